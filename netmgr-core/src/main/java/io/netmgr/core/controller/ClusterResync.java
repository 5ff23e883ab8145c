package io.netmgr.core.controller;

import io.netmgr.core.cluster.HostListener;
import io.netmgr.core.service.BackendClaims;

/**
 * What a controller does when its host registry says its view of the cluster may be stale
 * ({@link HostListener#resync}): its lease was lost and a new one granted, so this host's claims
 * on global networks (addresses, names, index and peer entries), gone with the old lease, are
 * made again under the new one ({@link EndpointClaims}), and an endpoint whose claim another host
 * took meanwhile is withdrawn from this host; and the peer table is read again, so peers that
 * left meanwhile are removed from the data plane, and the cluster's services, so that backends
 * that went meanwhile leave this host's rules ({@link ClusterFirewall}).
 */
final class ClusterResync implements HostListener {
    private static final System.Logger LOG = System.getLogger(ClusterResync.class.getName());

    /** Takes a lost endpoint off this host, holding the controller's lock. */
    interface Withdrawal {
        void withdraw(EndpointClaims claims, EndpointClaims.Conflict lost);
    }

    private final EndpointClaims claims;
    private final PeerTable peers;
    private final HostLock lock;
    private final Withdrawal withdrawal;
    private final Runnable firewall;
    private final BackendClaims backends;

    /**
     * {@code firewall} reads the cluster's services again, as {@code peers} its peers;
     * {@code backends} claims this host's backends of global services again, after its endpoints.
     */
    ClusterResync(EndpointClaims claims, PeerTable peers, HostLock lock, Withdrawal withdrawal, Runnable firewall,
                  BackendClaims backends) {
        this.firewall = firewall;
        this.backends = backends;
        this.claims = claims;
        this.peers = peers;
        this.lock = lock;
        this.withdrawal = withdrawal;
    }

    @Override
    public void resync() {
        republish();
        peers.resync();
        firewall.run();
    }

    /**
     * Claims this host's endpoints again, under the current lease: after a lease was lost, and
     * at start, when the host may come back after its lease expired (a daemon down longer than
     * the TTL), its claims gone from the cluster; and gives back addresses a process killed while
     * creating an endpoint left under the lease ({@link EndpointClaims#releaseLeftovers}).
     */
    void republish() {
        try (HostLock.Held held = lock.acquire()) {
            // a restart within the TTL resumed the lease, which kept every claim: nothing rewritten, so no
            // other host sees a change (a rewritten backend would make each of them apply its service again)
            if (!claims.claimedUnderCurrentLease()) {
                for (EndpointClaims.Conflict lost : claims.claimAgain()) {
                    String line = "endpoint " + lost.endpoint().name() + " (" + lost.endpoint().id() + ") withdrawn from this host: "
                            + lost.reason() + Withdrawals.ADVICE;
                    LOG.log(System.Logger.Level.WARNING, line);
                    withdrawal.withdraw(claims, lost);
                }
                backends.claimAgain().forEach(line -> LOG.log(System.Logger.Level.INFO, line));
                claims.claimedAll(); // last: killed before it, the next start claims everything again
            }
            for (String line : claims.releaseLeftovers()) {
                LOG.log(System.Logger.Level.WARNING, line);
            }
        }
    }
}
