package io.netmgr.nat;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.Verification;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Puts netmgr's rules back when someone removes them ({@code nft flush ruleset}, a firewall
 * reload, {@code iptables -F NETMGR-FORWARD}): every {@code interval} it verifies the firewall and,
 * when something is missing, applies the current state again in full and logs what was missing.
 * Polling keeps one mechanism for both backends; a check is one listing of netmgr's own table or
 * chains, cheap at the default half second, which keeps the gap under one second.
 */
public final class RuleGuard implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(500);
    private static final System.Logger LOG = System.getLogger(RuleGuard.class.getName());

    private final Firewall firewall;
    private final Consumer<Runnable> runner;
    private final ScheduledExecutorService timer;
    private final AtomicLong restorations = new AtomicLong();

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

    private void guardOnce() {
        try {
            runner.accept(this::check);
        } catch (RuntimeException e) {
            // a task that throws is never run again: log, and keep guarding
            LOG.log(Level.WARNING, "could not check netmgr's " + firewall.backend() + " rules: " + e.getMessage());
        }
    }

    private void check() {
        try {
            Verification found = firewall.verify();
            if (!found.intact()) {
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
