package io.netmgr.core.cluster;

/**
 * Told by a {@link HostRegistry} how the cluster's hosts come and go. Calls come from one thread,
 * in order; they should hand long work elsewhere.
 */
public interface HostListener {

    /** {@code host} registered (or re-registered after its lease was lost). */
    default void hostUp(HostInfo host) {
    }

    /** {@code host}'s lease expired or was revoked: it is down, and every key under its lease is gone. */
    default void hostGone(HostInfo host) {
    }

    /**
     * Whatever this host had under its lease, or had learned by watching, may be stale: its lease
     * was lost while it could not reach the cluster store and it registered again under a new one
     * ({@link HostRegistry#lease()}), or the changes it missed were compacted. Re-publish this
     * host's own records under the new lease and re-read everyone else's.
     */
    default void resync() {
    }
}
