package io.netmgr.nat;

import io.netmgr.nat.ipt.IptablesRenderer;
import io.netmgr.netlink.ns.NetNs;

/**
 * Each backend's own tools, as an admin would use them on a test "host": what they list of the
 * kernel's rules, and how a careless admin or a firewall reload removes netmgr's.
 */
public enum BackendTools {
    NFTABLES {
        @Override
        public void wipeRules(NetNs host) {
            TestHost.exec(host, "nft", "flush", "ruleset");
        }

        @Override
        public String listRules(NetNs host) {
            return TestHost.exec(host, "nft", "list", "ruleset");
        }
    },
    IPTABLES {
        @Override
        public void wipeRules(NetNs host) {
            TestHost.exec(host, "iptables", "-F", IptablesRenderer.FORWARD);
            TestHost.exec(host, "iptables", "-t", "nat", "-F", IptablesRenderer.DNAT);
        }

        @Override
        public String listRules(NetNs host) {
            // without the "# Generated ... on DATE" lines: two listings of the same rules a second
            // apart must be equal
            return (TestHost.exec(host, "iptables-save") + TestHost.exec(host, "ip6tables-save"))
                    .replaceAll("(?m)^#.*\\n", "");
        }
    };

    public abstract void wipeRules(NetNs host);

    public abstract String listRules(NetNs host);
}
