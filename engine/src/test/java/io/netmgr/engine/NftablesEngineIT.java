package io.netmgr.engine;

import io.netmgr.nat.BackendTools;

/** The engine's firewall suite on nftables, the default backend. */
class NftablesEngineIT extends EngineFirewallIT {
    @Override
    protected BackendTools tools() {
        return BackendTools.NFTABLES;
    }
}
