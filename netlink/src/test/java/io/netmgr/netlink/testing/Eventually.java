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

    /** A condition whose check may fail with an exception (reading a file, running a command): it ends the wait. */
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code deadline}. */
    public static void waitFor(String what, Duration deadline, BooleanSupplier condition) {
        try {
            waitUntil(what, deadline, condition::getAsBoolean);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception cannot) {
            throw new IllegalStateException(cannot);
        }
    }

    /** As {@link #waitFor(String, Duration, BooleanSupplier)}, for a check that may throw (the wait then ends with it). */
    public static void waitUntil(String what, Duration deadline, Condition condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.holds()) {
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

    /**
     * Runs {@code check} (assertions) until it passes; fails with its last failure after
     * {@code deadline}: for conditions best said as assertions, whose failure says what differs.
     */
    public static void passes(Duration deadline, Runnable check) {
        AssertionError[] last = new AssertionError[1];
        try {
            waitFor("a check", deadline, () -> {
                try {
                    check.run();
                    return true;
                } catch (AssertionError e) {
                    last[0] = e;
                    return false;
                }
            });
        } catch (AssertionError timedOut) {
            throw last[0] != null ? last[0] : timedOut;
        }
    }

    /** {@link #waitFor(String, Duration, BooleanSupplier)} with 60 s. */
    public static void waitFor(String what, BooleanSupplier condition) {
        waitFor(what, Duration.ofSeconds(60), condition);
    }
}
