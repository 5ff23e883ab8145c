package io.netmgr.core.controller;

/**
 * Named points inside a mutation, between its kernel, firewall and store steps, where a test may
 * have the process die as kill -9 would, to see what a restart makes of the state left behind.
 * Off unless the JVM runs with {@code -Dnetmgr.crashAt=NAME}; then reaching NAME halts the JVM at
 * once (no shutdown hooks, no finally blocks, no undo), with exit status 137 like SIGKILL.
 */
public final class CrashPoint {
    static final String JOIN_AFTER_KERNEL = "join.after-kernel";
    static final String JOIN_AFTER_FIREWALL = "join.after-firewall";
    /** A service's VIPs granted and its rules made, its record not yet committed. */
    public static final String SERVICE_CREATE_BEFORE_COMMIT = "service-create.before-commit";
    /** A network's pools granted, its links and rules made, its record not yet committed. */
    static final String CREATE_BEFORE_COMMIT = "create.before-commit";

    private static final String AT = System.getProperty("netmgr.crashAt", "");

    private CrashPoint() {
    }

    /** Halts the JVM at once if it runs with -Dnetmgr.crashAt={@code name}; a no-op otherwise. */
    public static void reach(String name) {
        if (AT.equals(name)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
