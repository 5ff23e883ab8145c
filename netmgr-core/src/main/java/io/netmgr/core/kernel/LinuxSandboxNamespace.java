package io.netmgr.core.kernel;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.route.Route;
import java.util.Set;
import java.util.stream.Collectors;

/** A sandbox's namespace entered, with a netlink handle in it opened when first needed (a leave needs none). */
final class LinuxSandboxNamespace implements SandboxNamespace {
    private final NetNs ns;
    private NetlinkHandle netlink;

    private LinuxSandboxNamespace(NetNs ns) {
        this.ns = ns;
    }

    static LinuxSandboxNamespace enter(NetNs ns) {
        return new LinuxSandboxNamespace(ns);
    }

    @Override
    public NetNs handle() {
        return ns;
    }

    @Override
    public String nextFreeInterfaceName() {
        Set<String> used = netlink().links().list().stream().map(Link::name).collect(Collectors.toSet());
        for (int i = 0; ; i++) {
            if (!used.contains("eth" + i)) {
                return "eth" + i;
            }
        }
    }

    @Override
    public void configure(String ifName, Network network, Endpoint endpoint, boolean routeViaGateway) {
        NetlinkHandle h = netlink();
        int index = h.links().get(ifName).index();
        for (String cidr : endpoint.addresses()) {
            IpNet ip = IpNet.parse(cidr);
            // DAD would leave an IPv6 address tentative (unusable) for a second or more
            h.addresses().add(Address.of(index, ip).withFlags(ip.isIpv6() ? Address.NODAD : 0));
        }
        h.links().setUp(ifName);
        if (network.internal() || !routeViaGateway) {
            return; // an internal network offers no way out; a driver without gateway leaves routing to others
        }
        Set<Boolean> routed = h.routes().list().stream().filter(Route::isDefault).map(Route::ipv6).collect(Collectors.toSet());
        for (NetworkPool pool : network.pools()) {
            IpNet gateway = IpNet.parse(pool.gateway());
            if (routed.add(gateway.isIpv6())) {
                h.routes().add(Route.defaultVia(gateway.address(), index));
            }
        }
    }

    private NetlinkHandle netlink() {
        if (netlink == null) {
            netlink = NetlinkHandle.open(ns);
        }
        return netlink;
    }

    @Override
    public void close() {
        try {
            if (netlink != null) {
                netlink.close();
            }
        } finally {
            ns.close();
        }
    }
}
