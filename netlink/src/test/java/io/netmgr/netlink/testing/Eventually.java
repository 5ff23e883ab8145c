package io.netmgr.netlink.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread or process brings about (a watch, a daemon), with a
 * generous deadline rather than a fixed sleep: on a loaded machine things take long, and a test
 * should then be slow, not wrong.
 */
public final class Eventually {
    private Eventually() {
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code deadline}. */
    public static void waitFor(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": not so within " + deadline.toSeconds() + " s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(what + ": interrupted", e);
            }
        }
    }

    /** {@link #waitFor(String, Duration, BooleanSupplier)} with 60 s. */
    public static void waitFor(String what, BooleanSupplier condition) {
        waitFor(what, Duration.ofSeconds(60), condition);
    }
}
