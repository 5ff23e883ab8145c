package io.netmgr.core.driver;

import java.util.Optional;

/**
 * What a driver did when joining an endpoint to a sandbox: the interface it put there (the
 * controller then gives it the endpoint's addresses and routes), or none (host, none), the
 * host-side link it made, if any, and whether the sandbox routes through the network's gateway
 * (false for a bridge that holds no gateway address, CNI's {@code isGateway: false}).
 */
public record JoinInfo(Optional<String> sandboxInterface, Optional<String> hostInterface, boolean routesViaGateway) {
    public static final JoinInfo NOTHING = new JoinInfo(Optional.empty(), Optional.empty(), false);

    /** An interface made in the sandbox, routed through the network's gateway. */
    public static JoinInfo created(String sandboxInterface, String hostInterface) {
        return new JoinInfo(Optional.of(sandboxInterface), Optional.ofNullable(hostInterface), true);
    }

    /** The same join, without a default route through the network's gateway. */
    public JoinInfo withoutGatewayRoute() {
        return new JoinInfo(sandboxInterface, hostInterface, false);
    }
}
