package io.netmgr.nat.nft;

import static io.netmgr.nat.Scenarios.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.nat.Firewalls;
import io.netmgr.nat.RuleGuard;
import io.netmgr.nat.Scenarios;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.TestNamespaces;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the nftables backend promises: incremental changes, nft's own error messages. */
class NftablesBackendIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    private static Firewall open(NetNs host) {
        // every address the scenarios publish on counts as the host's: this test is about nft, not addresses
        Set<IpAddress> any = Set.of(addr("127.0.0.1"), addr("192.0.2.1"), addr("fd00::1"));
        return Firewalls.open(Firewalls.Backend.NFTABLES, host, () -> any);
    }

    private static NetNs hostWithBridges(TestNamespaces netns) {
        NetNs host = netns.create("host");
        try (NetlinkHandle h = NetlinkHandle.open(host)) {
            for (String b : List.of("br-web", "br-db", "br-secret", "br-routed")) {
                h.links().add(Bridge.named(b));
            }
        }
        return host;
    }

    @Test
    void addingAPortLeavesEveryRuleAndTheTableAsTheyWere() {
        NetNs host = hostWithBridges(netns);
        try (Firewall fw = open(host)) {
            fw.apply(Scenarios.fourNetworks());
            List<String> before = rulesWithHandles(host);
            fw.apply(fw.current().withPort(publish("9090:90", "web", "web2", "10.10.0.4")));
            assertThat(rulesWithHandles(host)).as("table and rule handles").isEqualTo(before);
            fw.publish(publish("9091:91", "web", "web3", "10.10.0.5"));
            assertThat(rulesWithHandles(host)).as("table and rule handles").isEqualTo(before);
            assertThat(TestHost.exec(host, "nft", "list", "set", "inet", "netmgr", "backends4"))
                    .contains("10.10.0.5 . tcp . 91");
            assertThat(TestHost.exec(host, "nft", "list", "map", "inet", "netmgr", "published4-any"))
                    .contains("tcp . 9090 : 10.10.0.4 . 90");
            assertThat(fw.isIntact()).isTrue();
        }
    }

    @Test
    void theGuardListsNothingWhileTheGenerationStandsAndRestoresAfterAnElementIsDeleted() throws InterruptedException {
        NetNs host = hostWithBridges(netns);
        try (Firewall fw = open(host)) {
            fw.apply(Scenarios.fourNetworks());
            long generation = fw.generation().orElseThrow();
            assertThat(fw.generation()).as("nothing committed since").hasValue(generation);
            try (RuleGuard guard = RuleGuard.start(fw, java.time.Duration.ofMillis(5))) {
                awaitTrue(() -> guard.fullChecks() >= 1, "a first full check");
                long checks = guard.fullChecks();
                long from = guard.intervals();
                awaitTrue(() -> guard.intervals() >= from + 3 * RuleGuard.FULL_CHECK_EVERY, "intervals");
                long passed = guard.intervals() - from;
                // counted before the change below: the backstop's checks alone, at most one per period
                long idleChecks = guard.fullChecks() - checks;
                TestHost.exec(host, "nft", "delete", "element", "inet", "netmgr", "published4-any", "{ tcp . 8080 }");
                awaitTrue(() -> guard.restorations() == 1 && fw.isIntact(), "the element put back");
                assertThat(idleChecks).as("full checks over %d intervals with the generation standing", passed)
                        .isLessThanOrEqualTo(passed / RuleGuard.FULL_CHECK_EVERY + 1);
            }
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        Eventually.waitFor(what, java.time.Duration.ofSeconds(30), condition);
    }

    @Test
    void aChangeAfterTamperingReplacesTheTableWhole() {
        NetNs host = hostWithBridges(netns);
        try (Firewall fw = open(host)) {
            fw.apply(Scenarios.fourNetworks());
            TestHost.exec(host, "nft", "delete", "element", "inet", "netmgr", "published4-any", "{ tcp . 8080 }");
            assertThat(fw.verify().problems()).containsExactly("set published4-any has 3 elements instead of 4");
            // the diff deletes the element that is already gone: nft refuses, the backend replaces the table
            fw.apply(fw.current().withoutPortsOf("web1"));
            assertThat(fw.isIntact()).isTrue();
            assertThat(TestHost.exec(host, "nft", "list", "table", "inet", "netmgr")).doesNotContain("8080");
            TestHost.exec(host, "nft", "flush", "chain", "inet", "netmgr", "filter-FORWARD");
            assertThat(fw.verify().problems()).containsExactly("chain filter-FORWARD has 0 rules instead of 2");
            fw.restore();
            assertThat(fw.isIntact()).isTrue();
        }
    }

    @Test
    void nftErrorsCarryNftsOwnMessage() {
        NetNs host = netns.create("host");
        try (Nft nft = Nft.open(host)) {
            assertThatThrownBy(() -> nft.run("add rule inet nosuch nochain drop"))
                    .isInstanceOf(Nft.NftException.class)
                    .hasMessageContaining("No such file or directory")
                    .hasMessageContaining("add rule inet nosuch nochain drop");
            // one transaction: the valid first command does not survive the failing second one
            assertThatThrownBy(() -> nft.run("add table inet probe\nadd rule inet probe nochain drop\n"));
            assertThat(TestHost.exec(host, "nft", "list", "tables")).doesNotContain("probe");
        }
    }

    @Test
    void emptyStateLeavesNoTable() {
        NetNs host = hostWithBridges(netns);
        try (Firewall fw = open(host)) {
            fw.apply(Scenarios.oneNetwork());
            fw.apply(FirewallState.EMPTY);
            assertThat(TestHost.exec(host, "nft", "list", "ruleset")).isBlank();
        }
    }

    /** The table line and every rule line of `nft -a list table`, each with its handle. */
    private static List<String> rulesWithHandles(NetNs host) {
        return TestHost.exec(host, "nft", "-a", "list", "table", "inet", "netmgr").lines()
                .filter(l -> l.contains("# handle") && !l.contains(" map ") && !l.contains(" set "))
                .toList();
    }

    private static IpAddress addr(String s) {
        return IpAddress.parse(s);
    }
}
