package io.netmgr.core.firewall;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the firewall must do for one bridge network.
 *
 * @param networkId  the network's id, which port mappings refer to
 * @param bridge     the Linux bridge interface of the network (at most 15 characters)
 * @param subnets    the network's subnets, several of a family if need be
 * @param masquerade rewrite the source of traffic leaving the subnet for the outside to the host's address
 * @param internal   no traffic to or from the outside at all (and so no masquerade, no published ports)
 * @param icc        containers on this network may talk to each other
 * @param hairpin    a container may reach published ports (its own too) through a host address
 * @param meshAddress this host's own address on the network (a global one), or null: the source a
 *                   service's balanced traffic leaving through the bridge takes, instead of the
 *                   gateway every host shares, so that a backend on another host replies to this one
 */
public record NetworkRules(String networkId, String bridge, List<IpPrefix> subnets, boolean masquerade,
        boolean internal, boolean icc, boolean hairpin, IpAddress meshAddress) {

    // kept to what nft and iptables accept unquoted in chain names and -i/-o, so no escaping is needed
    private static final Pattern BRIDGE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public NetworkRules {
        if (networkId == null || networkId.isBlank()) {
            throw FirewallException.invalid("network id is missing");
        }
        if (bridge == null || !BRIDGE_NAME.matcher(bridge).matches()) {
            throw FirewallException.invalid("bad bridge name \"" + bridge + "\" for network " + networkId
                    + ": use 1-15 letters, digits, '_', '.' or '-'");
        }
        subnets = List.copyOf(Objects.requireNonNull(subnets, "subnets"));
        if (subnets.isEmpty()) {
            throw FirewallException.invalid("network " + networkId + " has no subnet; give an IPv4 or IPv6 subnet");
        }
    }

    /** A network without a mesh address. */
    public NetworkRules(String networkId, String bridge, List<IpPrefix> subnets, boolean masquerade, boolean internal, boolean icc,
            boolean hairpin) {
        this(networkId, bridge, subnets, masquerade, internal, icc, hairpin, null);
    }

    /** The same network with this host's mesh address {@code address} (none for null). */
    public NetworkRules withMeshAddress(IpAddress address) {
        return new NetworkRules(networkId, bridge, subnets, masquerade, internal, icc, hairpin, address);
    }

    /** A network with Docker's defaults: masquerade on, not internal, icc on, hairpin on. */
    public static NetworkRules bridge(String networkId, String bridge, IpPrefix... subnets) {
        return new NetworkRules(networkId, bridge, List.of(subnets), true, false, true, true);
    }

    public NetworkRules withMasquerade(boolean on) {
        return new NetworkRules(networkId, bridge, subnets, on, internal, icc, hairpin, meshAddress);
    }

    public NetworkRules withInternal(boolean on) {
        return new NetworkRules(networkId, bridge, subnets, masquerade, on, icc, hairpin, meshAddress);
    }

    public NetworkRules withIcc(boolean on) {
        return new NetworkRules(networkId, bridge, subnets, masquerade, internal, on, hairpin, meshAddress);
    }

    public NetworkRules withHairpin(boolean on) {
        return new NetworkRules(networkId, bridge, subnets, masquerade, internal, icc, on, meshAddress);
    }

    /** Masquerade is in force only on networks that reach the outside. */
    public boolean masquerades() {
        return masquerade && !internal;
    }

    /** The subnets of one family, empty or one. */
    public List<IpPrefix> subnets(IpFamily family) {
        return subnets.stream().filter(s -> s.family() == family).toList();
    }
}
