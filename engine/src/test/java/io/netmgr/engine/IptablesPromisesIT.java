package io.netmgr.engine;

import io.netmgr.nat.BackendTools;

/** The README's promises on iptables. */
class IptablesPromisesIT extends PromisesIT {
    @Override
    protected BackendTools tools() {
        return BackendTools.IPTABLES;
    }
}
