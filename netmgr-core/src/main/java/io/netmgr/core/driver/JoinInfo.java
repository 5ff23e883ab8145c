package io.netmgr.core.driver;

import java.util.Optional;

/**
 * What a driver did when joining an endpoint to a sandbox: the interface it put there (the
 * controller then gives it the endpoint's addresses and routes), or none (host, none), and the
 * host-side link it made, if any.
 */
public record JoinInfo(Optional<String> sandboxInterface, Optional<String> hostInterface) {
    public static final JoinInfo NOTHING = new JoinInfo(Optional.empty(), Optional.empty());

    public static JoinInfo created(String sandboxInterface, String hostInterface) {
        return new JoinInfo(Optional.of(sandboxInterface), Optional.ofNullable(hostInterface));
    }
}
