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
    void aMeshAddressIsTheSourceOfServiceTrafficIntoItsNetwork() {
        var meshed = Scenarios.WEB.withMeshAddress(io.netmgr.netlink.addr.IpAddress.parse("10.10.0.250"));
        String script = IptablesRenderer.render(Scenarios.oneNetwork().withNetwork(meshed), IpFamily.V4, IptablesSnapshot.EMPTY);
        assertThat(script).contains("-A NETMGR-POSTROUTING -o br-web -m mark --mark 0x2000/0x2000 -j SNAT --to-source 10.10.0.250");
        assertThat(script.indexOf("SNAT --to-source")).as("before the masquerade of services' traffic")
                .isLessThan(script.indexOf("--mark 0x2000/0x2000 -j MASQUERADE"));
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
    void aServiceSpreadsItsVipAndPortsOverItsBackendsInItsOwnChains() {
        FirewallState with = Scenarios.oneNetwork().withService(Scenarios.api());
        assertMatches("ipt/service-v4.rules", IptablesRenderer.render(with, IpFamily.V4, IptablesSnapshot.EMPTY));
        assertThat(IptablesRenderer.render(with, IpFamily.V6, IptablesSnapshot.EMPTY)).as("services balance IPv4 only")
                .doesNotContain("NETMGR-SVC-").doesNotContain("NETMGR-SERVICES");
    }

    @Test
    void aBackendChangeRewritesOnlyThatServicesChains() {
        var api = Scenarios.api();
        String change = IptablesServices.change(api, api.withBackends(api.backends().subList(0, 2)));
        assertMatches("ipt/service-backend-change-v4.rules", change);
        String chain = IptablesServices.chain(api);
        assertThat(change.lines().filter(l -> !l.startsWith("*") && !l.equals("COMMIT")))
                .as("only the service's own chains are declared and filled").isNotEmpty()
                .allMatch(l -> l.equals(":" + chain + " - [0:0]") || l.startsWith("-A " + chain + " "));
    }

    @Test
    void aServiceComesWithItsJumpsAndGoesWithItsChains() {
        var api = Scenarios.api();
        String chain = IptablesServices.chain(api);
        assertThat(IptablesServices.change(null, api)).contains("-A NETMGR-SERVICES -j " + chain + "\n")
                .contains("-A NETMGR-INPUT -j " + chain + "\n");
        assertMatches("ipt/service-removed-v4.rules", IptablesServices.change(api, null));
        assertThat(IptablesServices.change(null, null)).isEmpty();
    }

    @Test
    void theWholeStateDropsTheChainsOfServicesNoLongerThere() {
        var api = Scenarios.api();
        IptablesSnapshot saved = IptablesSnapshot.parse(String.join("\n", "*nat", ":NETMGR-SERVICES - [0:0]",
                ":NETMGR-SVC-0123456789AB - [0:0]", "-A NETMGR-SERVICES -j NETMGR-SVC-0123456789AB", "COMMIT",
                "*filter", ":NETMGR-INPUT - [0:0]", ":NETMGR-SVC-0123456789AB - [0:0]", "COMMIT", ""));
        String script = IptablesRenderer.render(Scenarios.oneNetwork().withService(api), IpFamily.V4, saved);
        assertThat(script).contains("-X NETMGR-SVC-0123456789AB").contains(":" + IptablesServices.chain(api));
        assertThat(IptablesRenderer.render(FirewallState.EMPTY, IpFamily.V4, saved)).contains("-F NETMGR-SVC-0123456789AB")
                .contains("-X NETMGR-SVC-0123456789AB").contains("-X NETMGR-SERVICES");
    }

    @Test
    void eachBackendDrawsOneInNFromTheRulesLeftToIt() {
        assertThat(IptablesServices.probability(3)).isEqualTo("0.33333333333");
        assertThat(IptablesServices.probability(2)).isEqualTo("0.50000000000");
    }

    @Test
    void aFamilyWithoutNetworksIsTornDown() {
        assertThat(IptablesRenderer.render(FirewallState.EMPTY.withNetwork(Scenarios.DB), IpFamily.V6,
                IptablesSnapshot.EMPTY)).isEmpty();
    }
}
