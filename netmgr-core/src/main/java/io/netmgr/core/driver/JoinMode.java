package io.netmgr.core.driver;

/**
 * Who puts an endpoint's interface into its sandbox. netmgr does, for its own callers (REST,
 * CNI, the library); an engine with a network stack of its own (dockerd, through Docker's remote
 * driver protocol) moves, renames and addresses the interface itself, and only asks the driver
 * to make it.
 */
public enum JoinMode {
    /** The driver puts the interface into the sandbox; the controller gives it addresses and routes. */
    INTO_SANDBOX,
    /**
     * The driver leaves the interface in the host namespace under the endpoint's interface name
     * ({@link NetworkDriver#joinForHandOver}); the caller moves it into its sandbox, renames it
     * and gives it the endpoint's addresses and the routes the join reports.
     */
    HAND_OVER
}
