package io.netmgr.cni.result;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.network.NameResolution;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.link.Link;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CNI result of one joined endpoint: the host links of the network and the endpoint (a
 * bridge and the host end of a veth, when the driver makes them), the container interface, its
 * addresses with their gateways, and the routes its join put in the sandbox.
 */
public final class AttachmentResult {
    private AttachmentResult() {
    }

    public static CniResult of(NetworkController c, Network network, Endpoint e, String netns, Map<String, Object> dns) {
        List<CniResult.Interface> ifs = new ArrayList<>();
        c.driverOf(network).networkLink(network).ifPresent(link -> ifs.add(hostInterface(c, link)));
        if (e.hostInterface() != null) {
            ifs.add(hostInterface(c, e.hostInterface()));
        }
        int containerIndex = ifs.size();
        ifs.add(new CniResult.Interface(e.interfaceName(), e.mac(), Optional.of(netns), Optional.empty()));
        List<CniResult.Ip> ips = new ArrayList<>();
        for (int i = 0; i < e.addresses().size(); i++) {
            NetworkPool pool = network.pools().get(i);
            ips.add(new CniResult.Ip(e.addresses().get(i), Optional.of(pool.gateway()), Optional.of(containerIndex)));
        }
        List<CniResult.Route> routes = new ArrayList<>();
        for (EndpointRoute r : c.sandboxRoutes(e)) {
            routes.add(new CniResult.Route(r.destination().toString(), r.gateway().map(Object::toString)));
        }
        return new CniResult(ifs, ips, routes, dns);
    }

    /**
     * The result's DNS: what the runtime or the configuration asked for, else, on a network with
     * name resolution when netmgrd's resolver answers ({@code resolverAnswers}), that resolver in
     * the container's own loopback (every name is tried as given first, as Docker's resolv.conf
     * does), else none: a result never names a resolver nobody runs.
     */
    public static Map<String, Object> dns(Map<String, Object> asked, Network network, boolean resolverAnswers) {
        if (!asked.isEmpty() || !resolverAnswers || !NameResolution.servedOn(network)) {
            return asked;
        }
        return Map.of("nameservers", List.of(NameResolution.RESOLVER_ADDRESS), "options", List.of("ndots:0"));
    }

    private static CniResult.Interface hostInterface(NetworkController c, String name) {
        Optional<Link> link = c.host().netlink().links().find(name);
        String mac = link.flatMap(l -> l.attrs().macAddress()).map(Object::toString).orElse("");
        return new CniResult.Interface(name, mac, Optional.empty(), Optional.empty());
    }
}
