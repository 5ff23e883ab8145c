package io.netmgr.nat.ipt;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.nat.BackendTools;
import io.netmgr.nat.FirewallBehaviourIT;
import io.netmgr.nat.Firewalls;
import io.netmgr.netlink.ns.NetNs;

/** The behaviour suite on the iptables backend. */
class IptablesFirewallIT extends FirewallBehaviourIT {
    @Override
    protected Firewall open(NetNs host) {
        return Firewalls.open(Firewalls.Backend.IPTABLES, host);
    }

    @Override
    protected void wipeRules(NetNs host) {
        BackendTools.IPTABLES.wipeRules(host);
    }

    @Override
    protected String listRules(NetNs host) {
        return BackendTools.IPTABLES.listRules(host);
    }
}
