package io.netmgr.engine;

import io.netmgr.nat.TestHost;
import io.netmgr.netlink.ns.NetNs;

/** The engine's firewall suite on nftables, the default backend. */
class NftablesEngineIT extends EngineFirewallIT {
    @Override
    protected String backend() {
        return "nftables";
    }

    @Override
    protected void wipeRules(NetNs host) {
        TestHost.exec(host, "nft", "flush", "ruleset");
    }

    @Override
    protected String listRules(NetNs host) {
        return TestHost.exec(host, "nft", "list", "ruleset");
    }
}
