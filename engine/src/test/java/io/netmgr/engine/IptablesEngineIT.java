package io.netmgr.engine;

import io.netmgr.nat.BackendTools;

/** The engine's firewall suite on iptables. */
class IptablesEngineIT extends EngineFirewallIT {
    @Override
    protected BackendTools tools() {
        return BackendTools.IPTABLES;
    }
}
