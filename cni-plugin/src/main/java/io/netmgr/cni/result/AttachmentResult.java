package io.netmgr.cni.result;

import io.netmgr.cni.config.ConfObject;
import io.netmgr.cni.config.NetConf;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.netlink.link.Link;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The CNI result of one joined endpoint: the bridge and host-side veth (for the bridge driver),
 * the container interface, its addresses with their gateways, and the routes it was given.
 */
public final class AttachmentResult {
    private AttachmentResult() {
    }

    public static CniResult of(NetworkController c, Network network, Endpoint e, String netns, List<NetConf.RouteSpec> extraRoutes,
                        Map<String, Object> dns) {
        List<CniResult.Interface> ifs = new ArrayList<>();
        if (network.driver().equals(BridgeDriver.NAME)) {
            ifs.add(hostInterface(c, BridgeDriver.bridgeName(network)));
            if (e.hostInterface() != null) {
                ifs.add(hostInterface(c, e.hostInterface()));
            }
        }
        int containerIndex = ifs.size();
        ifs.add(new CniResult.Interface(e.interfaceName(), e.mac(), Optional.of(netns), Optional.empty()));
        List<CniResult.Ip> ips = new ArrayList<>();
        List<CniResult.Route> routes = new ArrayList<>();
        // as the controller routes: by the first pool of each family, when the network routes via its gateway
        Set<Boolean> routed = new HashSet<>();
        for (NetConf.RouteSpec r : extraRoutes) {
            if (r.isDefault()) {
                routed.add(r.dst().family() == IpFamily.V6);
            }
        }
        boolean viaGateway = !network.internal() && (!network.driver().equals(BridgeDriver.NAME) || BridgeDriver.holdsGateway(network));
        for (int i = 0; i < e.addresses().size(); i++) {
            NetworkPool pool = network.pools().get(i);
            ips.add(new CniResult.Ip(e.addresses().get(i), Optional.of(pool.gateway()), Optional.of(containerIndex)));
            boolean v6 = pool.subnet().contains(":");
            if (viaGateway && routed.add(v6)) {
                routes.add(new CniResult.Route(v6 ? "::/0" : "0.0.0.0/0", Optional.of(pool.gateway())));
            }
        }
        for (NetConf.RouteSpec r : extraRoutes) {
            String gw = r.gw().map(Object::toString).orElseGet(() -> gatewayFor(network, r));
            routes.add(new CniResult.Route(r.dst().toString(), Optional.of(gw)));
        }
        return new CniResult(ifs, ips, routes, dns);
    }

    /** The gateway of the pool of the route's family: where a route without "gw" goes. */
    public static String gatewayFor(Network network, NetConf.RouteSpec r) {
        boolean v6 = (r.dst().family() == IpFamily.V6);
        return network.pools().stream().filter(p -> p.subnet().contains(":") == v6).findFirst()
                .map(NetworkPool::gateway)
                .orElseThrow(() -> ConfObject.invalid("route to " + r.dst() + " has no gateway and network " + network.name()
                        + " has no subnet of its family"));
    }

    private static CniResult.Interface hostInterface(NetworkController c, String name) {
        Optional<Link> link = c.host().netlink().links().find(name);
        String mac = link.flatMap(l -> l.attrs().macAddress()).map(Object::toString).orElse("");
        return new CniResult.Interface(name, mac, Optional.empty(), Optional.empty());
    }
}
