package io.netmgr.nat.ipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.nat.Firewalls;
import io.netmgr.nat.Scenarios;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What only the iptables backend promises: the user's NETMGR-USER chain, first and never flushed. */
class IptablesBackendIT {
    private static final String USER_RULE = "-A NETMGR-USER -s 203.0.113.0/24 -j DROP";

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    private static Firewall open(NetNs host) {
        Set<IpAddress> any = Set.of(addr("127.0.0.1"), addr("192.0.2.1"), addr("fd00::1"));
        return Firewalls.open(Firewalls.Backend.IPTABLES, host, () -> any);
    }

    @Test
    void theUserChainComesFirstAndKeepsItsRulesThroughAppliesAndRestores() {
        NetNs host = netns.create("host");
        try (Firewall fw = open(host)) {
            fw.apply(Scenarios.oneNetwork());
            TestHost.exec(host, "iptables", "-A", "NETMGR-USER", "-s", "203.0.113.0/24", "-j", "DROP");
            fw.apply(Scenarios.fourNetworks());
            TestHost.exec(host, "iptables", "-D", "FORWARD", "-j", "NETMGR-FORWARD");
            assertThat(fw.verify().problems()).containsExactly(
                    "iptables jump '-A FORWARD -j NETMGR-FORWARD' in table filter is missing");
            fw.restore();
            assertThat(fw.isIntact()).isTrue();
            List<String> forward = TestHost.exec(host, "iptables", "-S", "FORWARD").lines().toList();
            assertThat(forward).containsExactly("-P FORWARD ACCEPT", "-A FORWARD -j NETMGR-USER",
                    "-A FORWARD -j NETMGR-FORWARD");
            assertThat(TestHost.exec(host, "iptables-save")).contains(USER_RULE);
        }
    }

    @Test
    void teardownKeepsAUserChainWithRulesAndRemovesAnEmptyOne() {
        NetNs host = netns.create("host");
        try (Firewall fw = open(host)) {
            fw.apply(Scenarios.oneNetwork());
            TestHost.exec(host, "iptables", "-A", "NETMGR-USER", "-s", "203.0.113.0/24", "-j", "DROP");
            fw.removeAll();
            String v4 = TestHost.exec(host, "iptables-save");
            assertThat(v4).contains(USER_RULE).contains("-A FORWARD -j NETMGR-USER");
            assertThat(v4.replace("NETMGR-USER", "")).doesNotContain("NETMGR");
            TestHost.exec(host, "iptables", "-F", "NETMGR-USER");
            fw.apply(Scenarios.oneNetwork());
            fw.apply(FirewallState.EMPTY);
            assertThat(TestHost.exec(host, "iptables-save") + TestHost.exec(host, "ip6tables-save"))
                    .doesNotContain("NETMGR");
        }
    }

    private static IpAddress addr(String s) {
        return IpAddress.parse(s);
    }
}
