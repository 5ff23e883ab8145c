package io.netmgr.engine;

import io.netmgr.nat.BackendTools;

/** The README's promises on nftables. */
class NftablesPromisesIT extends PromisesIT {
    @Override
    protected BackendTools tools() {
        return BackendTools.NFTABLES;
    }
}
