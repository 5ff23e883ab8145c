package io.netmgr.core.controller;

import io.netmgr.core.cluster.HostListener;
import io.netmgr.core.endpoint.Endpoint;

/**
 * What a controller does when its host registry says its view of the cluster may be stale
 * ({@link HostListener#resync}): its lease was lost and a new one granted, so this host's peer
 * entries, gone with the old lease, are written again under the new one; and the peer table is
 * read again, so peers that left meanwhile are removed from the data plane.
 */
final class ClusterResync implements HostListener {
    private final StateStore state;
    private final PeerTable peers;
    private final HostLock lock;

    ClusterResync(StateStore state, PeerTable peers, HostLock lock) {
        this.state = state;
        this.peers = peers;
        this.lock = lock;
    }

    @Override
    public void resync() {
        republish();
        peers.resync();
    }

    /**
     * Writes this host's peer entries again, under the current lease: after a lease was lost,
     * and at start, when the host may come back after its lease expired (a daemon down longer
     * than the TTL), its entries gone from every other host.
     */
    void republish() {
        try (HostLock.Held held = lock.acquire()) {
            for (Endpoint e : state.endpoints()) {
                if (e.sandboxId() != null && state.isGlobalNetwork(e.networkId())) {
                    state.save(state.txn().ifPresent(state.keyOf(e)), e).commit(); // a removed one stays removed
                }
            }
        }
    }
}
