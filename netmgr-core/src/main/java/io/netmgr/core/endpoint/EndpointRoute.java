package io.netmgr.core.endpoint;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import java.util.Optional;

/**
 * A route the endpoint's sandbox gets on join: to {@code destination} (CIDR) via {@code via}.
 * Asked for without {@code via}, it goes through the network's gateway of its family, which
 * the controller fills in when it creates the endpoint; a default route (0.0.0.0/0, ::/0)
 * replaces the one through the network's gateway.
 */
public record EndpointRoute(String destination, String via) {

    /** A route as the user gives it: {@code via} may be null. Checked; the message names the route. */
    public static EndpointRoute of(String destination, String via) {
        IpPrefix dst;
        try {
            dst = IpPrefix.parse(destination, "route destination");
        } catch (IllegalArgumentException | NullPointerException e) {
            throw NetmgrException.invalid(destination == null ? "a route has no destination; give a CIDR such as 10.9.0.0/16"
                    : e.getMessage());
        }
        if (via == null) {
            return new EndpointRoute(dst.toString(), null);
        }
        IpAddress gw;
        try {
            gw = IpAddress.parse(via, "gateway of route " + dst);
        } catch (IllegalArgumentException e) {
            throw NetmgrException.invalid(e.getMessage());
        }
        if (gw.family() != dst.network().family()) {
            throw NetmgrException.invalid("route " + dst + " via " + via + " mixes IPv4 and IPv6; give a gateway of the destination's family");
        }
        return new EndpointRoute(dst.toString(), gw.toString());
    }

    /** {@code DST[,via=GW]}, as the CLI takes it. */
    public static EndpointRoute parse(String spec) {
        String[] parts = spec.split(",", -1);
        if (parts.length == 1) {
            return of(parts[0].trim(), null);
        }
        if (parts.length == 2 && parts[1].trim().startsWith("via=")) {
            return of(parts[0].trim(), parts[1].trim().substring(4));
        }
        throw NetmgrException.invalid("route \"" + spec + "\": write DESTINATION[,via=GATEWAY], e.g. 10.9.0.0/16,via=10.1.0.254");
    }

    @JsonIgnore
    public IpPrefix prefix() {
        return IpPrefix.parse(destination, "route destination");
    }

    @JsonIgnore
    public Optional<IpAddress> gateway() {
        return Optional.ofNullable(via).map(IpAddress::parse);
    }

    @JsonIgnore
    public boolean isDefault() {
        return prefix().length() == 0;
    }

    /** This route with its gateway filled in from {@code network}'s first pool of its family, if it had none. */
    public EndpointRoute resolvedOn(Network network) {
        if (via != null) {
            return this;
        }
        boolean v6 = !prefix().network().isV4();
        String gw = network.pools().stream().filter(p -> !IpPrefix.parse(p.subnet()).network().isV4() == v6).findFirst()
                .map(NetworkPool::gateway)
                .orElseThrow(() -> NetmgrException.invalid("route to " + destination + " has no gateway and network "
                        + network.name() + " has no subnet of its family; give one with via"));
        return new EndpointRoute(destination, gw);
    }

    @Override
    public String toString() {
        return destination + (via == null ? "" : " via " + via);
    }
}
