package io.netmgr.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.Verification;
import io.netmgr.netlink.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RuleGuardTest {
    /** A firewall whose rules vanish when told to, and come back when restored. */
    static final class Vanishing implements Firewall {
        volatile boolean wiped;
        final AtomicInteger restores = new AtomicInteger();
        volatile boolean failRestore;
        final AtomicInteger verifies = new AtomicInteger();
        volatile java.util.OptionalLong generation = java.util.OptionalLong.empty();
        volatile boolean generationFails;
        /** What the guard's interval count was when the rules were last put back (set {@link #clock} to read it). */
        volatile java.util.function.LongSupplier clock = () -> -1;
        volatile long restoredAt = -1;

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public void apply(FirewallState desired) {
        }

        @Override
        public void takeOver(FirewallState state) {
        }

        @Override
        public FirewallState current() {
            return Scenarios.oneNetwork();
        }

        @Override
        public void removeAll() {
        }

        @Override
        public Verification verify() {
            verifies.incrementAndGet();
            return wiped ? new Verification(List.of("table inet netmgr is missing")) : Verification.INTACT;
        }

        @Override
        public Verification verifyPorts(List<io.netmgr.core.firewall.PortMapping> mappings) {
            return verify();
        }

        @Override
        public java.util.OptionalLong generation() {
            if (generationFails) {
                throw new IllegalStateException("netlink: no buffer space");
            }
            return generation;
        }

        @Override
        public void restore() {
            if (failRestore) {
                throw new IllegalStateException("nft is busy");
            }
            restores.incrementAndGet();
            restoredAt = clock.getAsLong();
            wiped = false;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void putsBackWhatVanishedAndKeepsGuardingAfterAFailedRestore() throws InterruptedException {
        Vanishing fw = new Vanishing();
        try (RuleGuard guard = RuleGuard.start(fw, Duration.ofMillis(20))) {
            Thread.sleep(100);
            assertThat(fw.restores.get()).as("nothing to restore while intact").isZero();
            fw.failRestore = true;
            fw.wiped = true;
            Thread.sleep(100);
            assertThat(guard.restorations()).isZero();
            fw.failRestore = false;
            long deadline = System.currentTimeMillis() + 2000;
            while (fw.wiped && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertThat(fw.wiped).isFalse();
            assertThat(guard.restorations()).isEqualTo(1);
        }
    }

    @Test
    void listsTheRulesAgainOnlyWhenTheGenerationMoved() throws InterruptedException {
        Vanishing fw = withGeneration(7);
        try (RuleGuard guard = afterAFullCheck(fw, Duration.ofMillis(5))) {
            int listed = fw.verifies.get();
            long from = guard.intervals();
            awaitTrue(() -> guard.intervals() >= from + 3 * RuleGuard.FULL_CHECK_EVERY, "intervals");
            long passed = guard.intervals() - from;
            assertThat(fw.verifies.get() - listed).as("full checks over %d intervals, the generation standing still", passed)
                    .isLessThanOrEqualTo((int) (passed / RuleGuard.FULL_CHECK_EVERY) + 1);

            fw.clock = guard::intervals;
            long wipedAt = guard.intervals();
            fw.wiped = true; // what a flush does: rules gone, and the generation moves
            fw.generation = java.util.OptionalLong.of(8);
            awaitTrue(() -> !fw.wiped, "the rules put back");
            assertThat(guard.restorations()).isEqualTo(1);
            assertThat(fw.restoredAt - wipedAt).as("put back at the next interval, not at the backstop's (every %d)",
                    RuleGuard.FULL_CHECK_EVERY).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void stillChecksInFullNowAndThenWhenTheGenerationNeverMoves() throws InterruptedException {
        Vanishing fw = withGeneration(7);
        try (RuleGuard guard = afterAFullCheck(fw, Duration.ofMillis(2))) {
            fw.wiped = true; // a loss the generation does not show
            awaitTrue(() -> !fw.wiped, "the rules put back by the backstop check");
        }
    }

    @Test
    void aGenerationThatCannotBeReadNeverStopsTheChecks() throws InterruptedException {
        Vanishing fw = withGeneration(7);
        try (RuleGuard guard = afterAFullCheck(fw, Duration.ofMillis(2))) {
            fw.generationFails = true;
            fw.wiped = true;
            awaitTrue(() -> !fw.wiped, "the rules put back");
            assertEveryIntervalIsAFullCheck(guard);
        }
    }

    @Test
    void withoutAGenerationEveryIntervalIsAFullCheck() throws InterruptedException {
        Vanishing fw = new Vanishing();
        try (RuleGuard guard = RuleGuard.start(fw, Duration.ofMillis(2))) {
            assertEveryIntervalIsAFullCheck(guard);
            assertThat(fw.verifies.get()).isGreaterThanOrEqualTo(2 * RuleGuard.FULL_CHECK_EVERY - 2);
        }
    }

    /** Over {@code 2 x FULL_CHECK_EVERY} intervals, each one a full check (the backstop alone would make 2). */
    private static void assertEveryIntervalIsAFullCheck(RuleGuard guard) {
        long checks = guard.fullChecks();
        long from = guard.intervals();
        awaitTrue(() -> guard.intervals() >= from + 2 * RuleGuard.FULL_CHECK_EVERY, "intervals");
        long intervals = guard.intervals() - from;
        // the two counters are read one after the other: an interval may be counted before its check
        assertThat(guard.fullChecks() - checks).as("full checks over %d intervals", intervals).isGreaterThanOrEqualTo(intervals - 2);
    }

    private static Vanishing withGeneration(long generation) {
        Vanishing fw = new Vanishing();
        fw.generation = java.util.OptionalLong.of(generation);
        return fw;
    }

    /** A guard of {@code fw} that has made its first full check. */
    private static RuleGuard afterAFullCheck(Vanishing fw, Duration interval) throws InterruptedException {
        RuleGuard guard = RuleGuard.start(fw, interval);
        try {
            awaitTrue(() -> guard.fullChecks() >= 1, "a first full check");
        } catch (AssertionError e) {
            guard.close();
            throw e;
        }
        return guard;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        Eventually.waitFor(what, java.time.Duration.ofSeconds(10), condition);
    }

    @Test
    void backendIsChosenByName() {
        assertThat(Firewalls.Backend.parse("nftables")).isEqualTo(Firewalls.Backend.NFTABLES);
        assertThat(Firewalls.Backend.parse(" IPTABLES ")).isEqualTo(Firewalls.Backend.IPTABLES);
        assertThatThrownBy(() -> Firewalls.Backend.parse("ipvs"))
                .hasMessage("unknown firewall backend \"ipvs\": choose nftables (the default) or iptables");
    }
}
