package io.netmgr.nat.ipt;

import static io.netmgr.nat.GoldenFiles.assertMatches;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.firewall.FirewallState;
import io.netmgr.nat.Scenarios;
import io.netmgr.netlink.addr.IpFamily;
import org.junit.jupiter.api.Test;

class IptablesRendererTest {
    /** What iptables-save shows once netmgr's rules are in, with a user rule in NETMGR-USER. */
    private static final IptablesSnapshot APPLIED = IptablesSnapshot.parse(String.join("\n",
            "*raw", ":PREROUTING ACCEPT [0:0]", ":NETMGR-PREROUTING - [0:0]", "-A PREROUTING -j NETMGR-PREROUTING",
            "COMMIT",
            "*nat", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]", ":POSTROUTING ACCEPT [0:0]",
            ":NETMGR-DNAT - [0:0]", ":NETMGR-POSTROUTING - [0:0]",
            "-A PREROUTING -m addrtype --dst-type LOCAL -j NETMGR-DNAT",
            "-A OUTPUT -m addrtype --dst-type LOCAL -j NETMGR-DNAT", "-A POSTROUTING -j NETMGR-POSTROUTING", "COMMIT",
            "*filter", ":FORWARD ACCEPT [0:0]", ":NETMGR-USER - [0:0]", ":NETMGR-FORWARD - [0:0]",
            ":NETMGR-PUBLISHED - [0:0]", ":NETMGR-ISOLATION - [0:0]", "-A FORWARD -j NETMGR-USER",
            "-A FORWARD -j NETMGR-FORWARD", "-A NETMGR-USER -s 203.0.113.0/24 -j DROP", "COMMIT", ""));

    @Test
    void fourNetworksOnAFreshHost() {
        assertMatches("ipt/four-networks-v4.rules",
                IptablesRenderer.render(Scenarios.fourNetworks(), IpFamily.V4, IptablesSnapshot.EMPTY));
        assertMatches("ipt/four-networks-v6.rules",
                IptablesRenderer.render(Scenarios.fourNetworks(), IpFamily.V6, IptablesSnapshot.EMPTY));
    }

    @Test
    void reapplyingKeepsJumpsAndTheUserChain() {
        String script = IptablesRenderer.render(Scenarios.oneNetwork(), IpFamily.V4, APPLIED);
        assertMatches("ipt/one-network-reapplied-v4.rules", script);
        assertThat(script).doesNotContain(":NETMGR-USER").doesNotContain("-I FORWARD");
    }

    @Test
    void teardownRemovesEverythingButAUserChainWithRules() {
        assertMatches("ipt/teardown-v4.rules", IptablesRenderer.render(FirewallState.EMPTY, IpFamily.V4, APPLIED));
        assertThat(IptablesRenderer.render(FirewallState.EMPTY, IpFamily.V4, IptablesSnapshot.EMPTY)).isEmpty();
    }

    @Test
    void aFamilyWithoutNetworksIsTornDown() {
        assertThat(IptablesRenderer.render(FirewallState.EMPTY.withNetwork(Scenarios.DB), IpFamily.V6,
                IptablesSnapshot.EMPTY)).isEmpty();
    }
}
