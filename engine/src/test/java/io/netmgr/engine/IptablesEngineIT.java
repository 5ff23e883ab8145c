package io.netmgr.engine;

import io.netmgr.nat.TestHost;
import io.netmgr.nat.ipt.IptablesRenderer;
import io.netmgr.netlink.ns.NetNs;

/** The engine's firewall suite on iptables. */
class IptablesEngineIT extends EngineFirewallIT {
    @Override
    protected String backend() {
        return "iptables";
    }

    @Override
    protected void wipeRules(NetNs host) {
        TestHost.exec(host, "iptables", "-F", IptablesRenderer.FORWARD);
        TestHost.exec(host, "iptables", "-t", "nat", "-F", IptablesRenderer.DNAT);
    }

    @Override
    protected String listRules(NetNs host) {
        // without the "# Generated ... on DATE" lines, so two listings of the same rules are equal
        return (TestHost.exec(host, "iptables-save") + TestHost.exec(host, "ip6tables-save")).replaceAll("(?m)^#.*\n", "");
    }
}
