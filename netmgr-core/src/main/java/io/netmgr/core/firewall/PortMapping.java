package io.netmgr.core.firewall;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import java.util.Objects;
import java.util.Optional;

/**
 * A published port: {@code protocol} traffic to {@code hostPorts} on {@code hostIp} (every host
 * address when empty) goes to {@code containerPorts} on {@code containerIp}, an endpoint of
 * network {@code networkId}. A range maps port for port (host 8000-8002 to container 80-82), so
 * both ranges have one size. {@code owner} (an endpoint or container id) is named when another
 * mapping wants the same host port.
 */
public record PortMapping(String networkId, String owner, Protocol protocol, Optional<IpAddress> hostIp,
        PortRange hostPorts, IpAddress containerIp, PortRange containerPorts) {

    public PortMapping {
        requireText(networkId, "network id");
        requireText(owner, "owner");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(hostIp, "hostIp (use Optional.empty() for every host address)");
        Objects.requireNonNull(hostPorts, "hostPorts");
        Objects.requireNonNull(containerIp, "containerIp");
        Objects.requireNonNull(containerPorts, "containerPorts");
        // 0.0.0.0 and :: say "every address", as in Docker's -p 0.0.0.0:80:80: one spelling only
        hostIp = hostIp.filter(ip -> !ip.isUnspecified());
        requireSameSize(hostPorts, containerPorts);
        if (hostIp.isPresent() && hostIp.get().family() != containerIp.family()) {
            throw FirewallException.invalid("host address " + hostIp.get() + " and container address " + containerIp
                    + " are of different families; publish IPv4 to IPv4 and IPv6 to IPv6");
        }
        if (hostIp.isPresent() && hostIp.get().equals(IpAddress.parse("::1"))) {
            // the kernel never routes ::1 off the loopback device, so DNAT to a bridge cannot work
            throw FirewallException.invalid("host address ::1 cannot be published: IPv6 loopback traffic never leaves"
                    + " lo; publish on 127.0.0.1, or on every address");
        }
        if (containerIp.family() == IpFamily.V4 && (containerIp.low() >>> 24) == 127) {
            throw FirewallException.invalid("container address " + containerIp + " is a loopback address;"
                    + " give the endpoint's address on its network");
        }
    }

    /** A mapping on every host address. */
    public static PortMapping of(String networkId, String owner, Protocol protocol, PortRange hostPorts,
            IpAddress containerIp, PortRange containerPorts) {
        return new PortMapping(networkId, owner, protocol, Optional.empty(), hostPorts, containerIp, containerPorts);
    }

    /** Refuses ranges of different sizes: a range maps port for port. */
    public static void requireSameSize(PortRange hostPorts, PortRange containerPorts) {
        if (hostPorts.size() != containerPorts.size()) {
            throw FirewallException.invalid("host ports " + hostPorts + " (" + hostPorts.size() + ") and container ports "
                    + containerPorts + " (" + containerPorts.size() + ") differ in size; a range maps port for port,"
                    + " so give ranges of one size");
        }
    }

    public IpFamily family() {
        return containerIp.family();
    }

    /** True when this and {@code other} would both claim some host address and port. */
    public boolean conflictsWith(PortMapping other) {
        return protocol == other.protocol && family() == other.family() && hostPorts.overlaps(other.hostPorts)
                && (hostIp.isEmpty() || other.hostIp.isEmpty() || hostIp.equals(other.hostIp));
    }

    /** Docker's notation: {@code 127.0.0.1:8080->10.0.0.2:80/tcp}. */
    @Override
    public String toString() {
        String host = hostIp.map(IpAddress::uriHost).orElse(family() == IpFamily.V6 ? "[::]" : "0.0.0.0");
        return host + ":" + hostPorts + "->" + containerIp.uriHost() + ":" + containerPorts + "/" + protocol;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw FirewallException.invalid(what + " is missing");
        }
    }
}
