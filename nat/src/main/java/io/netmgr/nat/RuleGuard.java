package io.netmgr.nat;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.Verification;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Puts netmgr's rules back when someone removes them ({@code nft flush ruleset}, a firewall
 * reload, {@code iptables -F NETMGR-FORWARD}): every {@code interval} it verifies the firewall and,
 * when something is missing, applies the current state again in full and logs what was missing.
 * Polling keeps one mechanism for both backends, and the default half second keeps the gap under
 * one second. A full check lists netmgr's table or chains and runs under the caller's lock (a
 * controller's), so a CNI ADD arriving meanwhile waits for it; where the backend has a
 * {@linkplain Firewall#generation() generation} (nftables), a check first reads it, without the
 * lock, and stops there while it is the one a full check last found intact: nothing was
 * committed since. An idle daemon then costs one small netlink round trip per interval instead
 * of listings (bench/README.md). A full check still runs every {@value #FULL_CHECK_EVERY}
 * intervals whatever the generation says, as a backstop.
 */
public final class RuleGuard implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);
    private static final System.Logger LOG = System.getLogger(RuleGuard.class.getName());
    /** A full check runs at least once in this many intervals, whatever the generation says. */
    public static final int FULL_CHECK_EVERY = 20;

    private final Firewall firewall;
    private final Consumer<Runnable> runner;
    private final ScheduledExecutorService timer;
    private final AtomicLong restorations = new AtomicLong();
    private final AtomicLong fullChecks = new AtomicLong();
    private final AtomicLong intervals = new AtomicLong();
    // the generation a full check found intact (only the timer's thread touches these two)
    private OptionalLong intactAt = OptionalLong.empty();
    private int skipped;

    private RuleGuard(Firewall firewall, Duration interval, Consumer<Runnable> runner) {
        this.firewall = firewall;
        this.runner = runner;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rule-guard " + firewall.backend());
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::guardOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts guarding {@code firewall}'s rules, checking every {@code interval}. */
    public static RuleGuard start(Firewall firewall, Duration interval) {
        return new RuleGuard(firewall, interval, Runnable::run);
    }

    /**
     * Like {@link #start(Firewall, Duration)}, each check run through {@code runner}: a
     * controller passes its lock there, so that the current state is brought in line with the
     * store (which other processes may have changed) before what is missing is put back.
     */
    public static RuleGuard start(Firewall firewall, Duration interval, Consumer<Runnable> runner) {
        return new RuleGuard(firewall, interval, runner);
    }

    public static RuleGuard start(Firewall firewall) {
        return start(firewall, DEFAULT_INTERVAL);
    }

    /** How many times rules were found missing and put back. */
    public long restorations() {
        return restorations.get();
    }

    /** How many full checks (listings under the runner) ran: fewer than the intervals when the generation stood still. */
    public long fullChecks() {
        return fullChecks.get();
    }

    /** How many intervals passed, each a full check or a look at the generation. */
    public long intervals() {
        return intervals.get();
    }

    private void guardOnce() {
        intervals.incrementAndGet();
        try {
            if (unchangedSinceIntact()) {
                return;
            }
            runner.accept(this::check);
        } catch (RuntimeException e) {
            // a task that throws is never run again: log, and keep guarding
            LOG.log(Level.WARNING, "could not check netmgr's " + firewall.backend() + " rules: " + e.getMessage());
        }
    }

    private boolean unchangedSinceIntact() {
        if (intactAt.isEmpty() || ++skipped >= FULL_CHECK_EVERY) {
            return false;
        }
        return generationOrNone().equals(intactAt);
    }

    /** The firewall's generation; none when it cannot be read, so the listing still runs and nothing is skipped later. */
    private OptionalLong generationOrNone() {
        try {
            return firewall.generation();
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private void check() {
        skipped = 0;
        intactAt = OptionalLong.empty();
        fullChecks.incrementAndGet();
        try {
            // read before the listing: a change committed during it moves the generation past this one
            OptionalLong generation = generationOrNone();
            Verification found = firewall.verify();
            if (found.intact()) {
                intactAt = generation;
            } else {
                firewall.restore();
                restorations.incrementAndGet();
                LOG.log(Level.WARNING, "restored netmgr's " + firewall.backend() + " rules (" + firewall.current().networks()
                        .size() + " networks, " + firewall.current().ports().size() + " port mappings): " + found);
            }
        } catch (RuntimeException e) {
            // keep guarding: the next check may succeed (e.g. a firewall reload still in progress)
            LOG.log(Level.WARNING, "could not check or restore netmgr's " + firewall.backend() + " rules: "
                    + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
