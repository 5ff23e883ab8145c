package io.netmgr.core.kernel;

import io.netmgr.core.driver.StaticRoute;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpFamily;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.route.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The routes an endpoint's interface gets in its sandbox: a default route through the first
 * gateway of each family the driver named (unless the network is internal, or the endpoint
 * asks for a default route of its own), the driver's static routes, then the endpoint's own.
 * Programmed on join, checked by {@code NetworkController.verify}, repaired by the reconciler.
 */
public final class SandboxRoutes {

    /**
     * One route; {@code yields} for a default route through the network's gateway, which is
     * not added when the sandbox already has a default route of its family (from another network).
     */
    public record Wanted(IpPrefix destination, Optional<IpAddress> via, boolean yields) {
        boolean isDefault() {
            return destination.length() == 0;
        }

        boolean v6() {
            return destination.network().family() == IpFamily.V6;
        }

        Route toRoute(int index) {
            IpNet dst = IpNet.parse(destination.toString());
            if (via.isEmpty()) {
                return Route.direct(dst, index);
            }
            return isDefault() ? Route.defaultVia(via.get().toInetAddress(), index) : Route.via(dst, via.get().toInetAddress(), index);
        }

        @Override
        public String toString() {
            return destination + via.map(g -> " via " + g).orElse("");
        }
    }

    private SandboxRoutes() {
    }

    public static List<Wanted> of(Network network, Endpoint endpoint, List<IpAddress> gateways, List<StaticRoute> staticRoutes) {
        List<Wanted> wanted = new ArrayList<>();
        Set<Boolean> routed = new HashSet<>();
        for (EndpointRoute r : endpoint.routes()) {
            if (r.isDefault()) {
                routed.add(!r.prefix().network().isV4());
            }
        }
        if (!network.internal()) { // an internal network offers no way out
            for (IpAddress gw : gateways) {
                if (routed.add(!gw.isV4())) {
                    wanted.add(new Wanted(new IpPrefix(gw.isV4() ? IpAddress.parse("0.0.0.0") : IpAddress.parse("::"), 0),
                            Optional.of(gw), true));
                }
            }
        }
        staticRoutes.forEach(r -> wanted.add(new Wanted(r.destination(), r.nextHop(), false)));
        endpoint.routes().forEach(r -> wanted.add(new Wanted(r.prefix(), r.gateway(), false)));
        return wanted;
    }

    /** Adds {@code wanted} on interface {@code index}; a route to the same destination is replaced. */
    static void program(NetlinkHandle h, int index, List<Wanted> wanted) {
        Set<Boolean> defaults = h.routes().list().stream().filter(Route::isDefault).map(Route::ipv6).collect(Collectors.toSet());
        for (Wanted w : wanted) {
            if (!w.yields()) {
                h.routes().replace(w.toRoute(index));
            } else if (defaults.add(w.v6())) {
                h.routes().add(w.toRoute(index));
            }
        }
    }

    /** The routes of {@code wanted} the sandbox lacks on interface {@code index}. */
    static List<Wanted> missing(NetlinkHandle h, int index, List<Wanted> wanted) {
        List<Route> present = h.routes().list();
        return wanted.stream().filter(w -> present.stream().noneMatch(p -> matches(p, index, w))).toList();
    }

    private static boolean matches(Route p, int index, Wanted w) {
        boolean sameDst = p.isDefault() ? w.isDefault() && w.v6() == p.ipv6()
                : p.destination() != null && p.destination().network().equals(IpNet.parse(w.destination().toString()));
        boolean sameGw = w.via().isEmpty() || p.gatewayAddress().map(IpAddress::of).filter(w.via().get()::equals).isPresent();
        return sameDst && sameGw && p.linkIndex() == index;
    }
}
