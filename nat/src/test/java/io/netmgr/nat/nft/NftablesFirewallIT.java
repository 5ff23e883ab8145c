package io.netmgr.nat.nft;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.nat.BackendTools;
import io.netmgr.nat.FirewallBehaviourIT;
import io.netmgr.nat.Firewalls;
import io.netmgr.netlink.ns.NetNs;

/** The behaviour suite on the nftables backend. */
class NftablesFirewallIT extends FirewallBehaviourIT {
    @Override
    protected Firewall open(NetNs host) {
        return Firewalls.open(Firewalls.Backend.NFTABLES, host);
    }

    @Override
    protected void wipeRules(NetNs host) {
        BackendTools.NFTABLES.wipeRules(host);
    }

    @Override
    protected String listRules(NetNs host) {
        return BackendTools.NFTABLES.listRules(host);
    }
}
