package io.netmgr.nat;

import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.netlink.NetlinkException;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import java.lang.System.Logger.Level;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A service's virtual IPs as /32 addresses on their networks' bridges: a container asks for a
 * VIP by ARP on its bridge, and the host answers for its own addresses, so the packet reaches the
 * host's prerouting hook, where the service's rule DNATs it. The VIP is otherwise unused: the
 * firewall refuses what reaches it undNATed (input hook), so no host service answers on it.
 */
final class VipAddresses {
    private static final System.Logger LOG = System.getLogger(VipAddresses.class.getName());

    private VipAddresses() {
    }

    /** Puts {@code after}'s VIPs on their bridges and takes away {@code before}'s that it no longer has (either may be null). */
    static void change(NetNs ns, Map<String, NetworkRules> networks, ServiceRules before, ServiceRules after) {
        List<ServiceRules.Vip> wanted = after == null ? List.of() : after.vips();
        List<ServiceRules.Vip> had = before == null ? List.of() : before.vips();
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            for (ServiceRules.Vip v : had) {
                if (!wanted.contains(v) && networks.containsKey(v.networkId())) {
                    delete(h, networks.get(v.networkId()).bridge(), v.address());
                }
            }
            for (ServiceRules.Vip v : wanted) {
                if (networks.containsKey(v.networkId())) {
                    add(h, networks.get(v.networkId()).bridge(), v.address());
                }
            }
        }
    }

    /**
     * Makes every network's bridge hold exactly the VIPs of {@code state}: host-length addresses
     * inside a network's subnets on its bridge are netmgr's VIPs (the bridge's own address carries
     * the subnet's length), so those no service has any more are removed.
     */
    static void sync(NetNs ns, FirewallState state) {
        Set<IpAddress> wanted = new HashSet<>();
        state.services().forEach(s -> s.vips().forEach(v -> wanted.add(v.address())));
        // a host's mesh address is VIP-shaped too, and the mesh holds it on the bridge: not ours to take away
        state.networks().stream().map(NetworkRules::meshAddress).filter(java.util.Objects::nonNull).forEach(wanted::add);
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            for (NetworkRules n : state.networks()) {
                List<Address> there;
                try {
                    there = h.addresses().list(n.bridge());
                } catch (NetlinkException | IllegalArgumentException e) {
                    continue; // no bridge yet: its VIPs go on when it is made and the state applied again
                }
                for (Address a : there) {
                    IpNet ip = a.ip();
                    boolean vipShaped = ip.equals(IpNet.host(ip.address())) && n.subnets().stream().anyMatch(s -> s.contains(ip.address()));
                    if (vipShaped && !wanted.contains(ip.address())) {
                        delete(h, n.bridge(), ip.address());
                    }
                }
            }
            for (ServiceRules s : state.services()) {
                for (ServiceRules.Vip v : s.vips()) {
                    state.network(v.networkId()).ifPresent(n -> add(h, n.bridge(), v.address()));
                }
            }
        }
    }

    private static void add(NetlinkHandle h, String bridge, IpAddress vip) {
        try {
            h.addresses().replace(Address.of(h.links().get(bridge).index(), host(vip)));
        } catch (NetlinkException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "cannot put service VIP " + vip + " on bridge " + bridge + " (" + e.getMessage()
                    + "): it answers once the bridge exists and the firewall is applied again");
        }
    }

    private static void delete(NetlinkHandle h, String bridge, IpAddress vip) {
        try {
            h.addresses().delete(bridge, host(vip));
        } catch (NetlinkException | IllegalArgumentException e) {
            // already gone, with its bridge or by hand: nothing to take away
        }
    }

    private static IpNet host(IpAddress vip) {
        return IpNet.host(vip);
    }
}
