package io.netmgr.cni.command;

import io.netmgr.cni.config.NetConf;
import io.netmgr.cni.result.AttachmentResult;
import io.netmgr.cni.result.CniResult;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.route.Route;
import java.net.InetAddress;
import java.util.List;

/**
 * The configuration's extra routes ({@code ipam.routes}) inside the container. The controller
 * already routes by the network's gateway by default; a default route with another gateway
 * replaces that one.
 */
final class ContainerRoutes {
    private ContainerRoutes() {
    }

    static void apply(NetlinkHandle container, String ifName, Network network, List<NetConf.RouteSpec> routes) {
        if (routes.isEmpty()) {
            return;
        }
        int index = container.links().get(ifName).index();
        for (NetConf.RouteSpec r : routes) {
            InetAddress gw = IpNet.parseAddress(r.gw().map(Object::toString).orElseGet(() -> AttachmentResult.gatewayFor(network, r)));
            container.routes().replace(Route.via(IpNet.parse(r.dst().toString()), gw, index));
        }
    }

    /** The routes of {@code expected} that {@code container} lacks, as text for a CHECK message. */
    static List<String> missing(NetlinkHandle container, int index, List<CniResult.Route> expected) {
        List<Route> present = container.routes().list();
        return expected.stream().filter(r -> present.stream().noneMatch(p -> matches(p, index, r)))
                .map(r -> r.dst() + r.gw().map(g -> " via " + g).orElse("")).toList();
    }

    private static boolean matches(Route p, int index, CniResult.Route r) {
        IpNet dst = IpNet.parse(r.dst());
        boolean sameDst = p.isDefault() ? dst.prefixLength() == 0 && dst.isIpv6() == p.ipv6()
                : p.destination() != null && p.destination().network().equals(dst.network());
        boolean sameGw = r.gw().isEmpty() || p.gatewayAddress().map(IpNet::format).filter(r.gw().get()::equals).isPresent();
        return sameDst && sameGw && p.linkIndex() == index;
    }
}
