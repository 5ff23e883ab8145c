package io.netmgr.daemon.task;

import java.time.Duration;

/**
 * When to restart a task that exited: {@code first}, doubled for each exit in a row, never more
 * than {@code cap}. A run that lasted {@code stable} or longer starts the count again, so a task
 * that crashes once a day restarts at once, while one that fails at start waits longer each time.
 */
public record Backoff(Duration first, Duration cap, Duration stable) {
    /** netmgrd's schedule: 0.5 s, 1 s, 2 s, ... up to 30 s; reset after 10 s of running. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(10));

    /** The wait before the next start, after {@code failuresInARow} (1 or more) exits in a row. */
    public Duration delay(int failuresInARow) {
        Duration d = first;
        for (int i = 1; i < failuresInARow && d.compareTo(cap) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(cap) > 0 ? cap : d;
    }

    /** Whether a run that lasted {@code ran} counts as healthy, resetting the count. */
    public boolean wasStable(Duration ran) {
        return ran.compareTo(stable) >= 0;
    }
}
