package io.netmgr.core.store;

import java.time.Duration;

/**
 * A time-limited claim in a cluster store (an etcd lease): keys put under it ({@link Txn#put(String,
 * byte[], Lease)}) live as long as it does. The store keeps it alive while its holder runs; when
 * the holder dies (or is cut off from the store) for longer than {@link #ttl()}, the lease expires
 * and every key under it is deleted in one revision, which watchers see as deletes.
 */
public interface Lease extends AutoCloseable {

    /** The store's id of the lease, to keep locally and {@link Store#resumeLease resume} after a restart. */
    long id();

    /** How long the lease outlives its last keep-alive. */
    Duration ttl();

    /** False once the lease was revoked or has expired; keys can no longer be put under it. */
    boolean alive();

    /** Revokes the lease: every key under it is deleted in one revision. Closing twice does nothing. */
    @Override
    void close();
}
