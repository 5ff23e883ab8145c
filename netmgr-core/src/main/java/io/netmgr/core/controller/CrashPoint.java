package io.netmgr.core.controller;

/**
 * Named points inside a mutation, between its kernel, firewall and store steps, where a test may
 * have the process die as kill -9 would, to see what a restart makes of the state left behind.
 * Off unless the JVM runs with {@code -Dnetmgr.crashAt=NAME}; then reaching NAME halts the JVM at
 * once (no shutdown hooks, no finally blocks, no undo), with exit status 137 like SIGKILL.
 */
final class CrashPoint {
    static final String JOIN_AFTER_KERNEL = "join.after-kernel";
    static final String JOIN_AFTER_FIREWALL = "join.after-firewall";
    /** A network's pools granted, its links and rules made, its record not yet committed. */
    static final String CREATE_BEFORE_COMMIT = "create.before-commit";

    private static final String AT = System.getProperty("netmgr.crashAt", "");

    private CrashPoint() {
    }

    static void reach(String name) {
        if (AT.equals(name)) {
            Runtime.getRuntime().halt(137);
        }
    }
}
