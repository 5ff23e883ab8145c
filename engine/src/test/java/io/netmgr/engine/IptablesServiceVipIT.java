package io.netmgr.engine;

import io.netmgr.nat.TestHost;

/** {@link ServiceVipIT}'s scenarios, real traffic included, on the iptables backend. */
class IptablesServiceVipIT extends ServiceVipIT {
    @Override
    protected String backend() {
        return "iptables";
    }

    /** netmgr's IPv4 rules as iptables-save lists them, without the packet counters that traffic moves. */
    @Override
    protected String table() {
        return TestHost.exec(t.host, "iptables-save").lines().filter(l -> l.contains("NETMGR"))
                .map(l -> l.replaceAll(" \\[\\d+:\\d+\\]$", "")).reduce("", (a, l) -> a + l + "\n");
    }

    @Override
    protected String serviceRuleMarker() {
        return "NETMGR-SVC-";
    }
}
