package io.netmgr.core.driver;

import io.netmgr.core.ipam.IpAddress;
import java.util.List;
import java.util.Optional;

/**
 * What a driver did when joining an endpoint to a sandbox (after libnetwork's JoinInfo): the
 * interface it put there (the controller then gives it the endpoint's addresses), or none
 * (host, none); the host-side link it made, if any; the gateways the sandbox routes through
 * by default, at most one per family is used (libnetwork's SetGateway); and the static routes
 * it wants besides (AddStaticRoute). The controller programs routes and gateways in the sandbox.
 */
public record JoinInfo(Optional<String> sandboxInterface, Optional<String> hostInterface, List<IpAddress> gateways,
                       List<StaticRoute> staticRoutes) {
    public static final JoinInfo NOTHING = new JoinInfo(Optional.empty(), Optional.empty(), List.of(), List.of());

    public JoinInfo {
        gateways = List.copyOf(gateways);
        staticRoutes = List.copyOf(staticRoutes);
    }

    /** An interface made in the sandbox, so far with no gateway and no route. */
    public static JoinInfo created(String sandboxInterface, String hostInterface) {
        return new JoinInfo(Optional.of(sandboxInterface), Optional.ofNullable(hostInterface), List.of(), List.of());
    }

    /** The same join, routed by default through {@code via} (the first of each family counts). */
    public JoinInfo withGateways(List<IpAddress> via) {
        return new JoinInfo(sandboxInterface, hostInterface, via, staticRoutes);
    }

    /** The same join with one more static route in the sandbox. */
    public JoinInfo withStaticRoute(StaticRoute route) {
        List<StaticRoute> more = new java.util.ArrayList<>(staticRoutes);
        more.add(route);
        return new JoinInfo(sandboxInterface, hostInterface, gateways, more);
    }
}
