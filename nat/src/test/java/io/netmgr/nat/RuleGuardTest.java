package io.netmgr.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.Verification;
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
            return wiped ? new Verification(List.of("table inet netmgr is missing")) : Verification.INTACT;
        }

        @Override
        public Verification verifyPorts(List<io.netmgr.core.firewall.PortMapping> mappings) {
            return verify();
        }

        @Override
        public void restore() {
            if (failRestore) {
                throw new IllegalStateException("nft is busy");
            }
            restores.incrementAndGet();
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
    void backendIsChosenByName() {
        assertThat(Firewalls.Backend.parse("nftables")).isEqualTo(Firewalls.Backend.NFTABLES);
        assertThat(Firewalls.Backend.parse(" IPTABLES ")).isEqualTo(Firewalls.Backend.IPTABLES);
        assertThatThrownBy(() -> Firewalls.Backend.parse("ipvs"))
                .hasMessage("unknown firewall backend \"ipvs\": choose nftables (the default) or iptables");
    }
}
