package io.netmgr.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * netmgr's state: a transactional key-value store with revisions, compare-and-swap, prefix
 * range and watch, the shape of etcd. Kernel state is derived from what is stored here.
 *
 * <p>Every revision is a store-wide counter that grows by one per committed transaction that
 * changed something; each key remembers the revision that created it and the one that last
 * modified it, so callers can make optimistic updates with {@link Txn#ifModRevision}.
 */
public interface Store extends AutoCloseable {

    /**
     * The longest key, in UTF-8 bytes, a transaction may write: LMDB's limit, kept by every
     * implementation so that code tested against one store works on the others.
     */
    int MAX_KEY_BYTES = 511;

    /** The current value of {@code key}, if any. */
    Optional<KeyValue> get(String key);

    /** Every key starting with {@code prefix}, in key order. */
    List<KeyValue> range(String prefix);

    /** The store's current revision. */
    long revision();

    /** Starts a transaction: compares, then operations applied atomically if all compares hold. */
    Txn txn();

    /**
     * Runs {@code work}, whose transactions on this thread are made durable together when it
     * returns or throws, at the cost of one disk flush instead of one each. Each transaction still
     * commits or fails on its own, gets its own revision and is read back by this thread at once;
     * other threads and processes see them all at the end, so call this only holding the lock
     * that orders the store's writers (the controller's). A call inside another joins it. By
     * default each transaction is made durable as it commits.
     */
    default <T> T inOneCommit(Supplier<T> work) {
        return work.get();
    }

    /**
     * Calls {@code listener} for every change under {@code prefix} after {@code afterRevision},
     * in revision order, until the returned handle is closed. Pass {@link #revision()} to see only
     * new changes, or the revision a {@link #range} was read at to follow on from it.
     *
     * <p>Listeners run on the store's watch thread, one event at a time: they should hand long
     * work elsewhere. Once {@link Watch#close()} returns, the listener is not called again. A
     * watch that falls further behind than the store keeps changes (a listener blocked while
     * thousands of revisions are committed) stops, and the store logs an error.
     *
     * @throws CompactedRevisionException if the changes after {@code afterRevision} are no longer kept
     */
    Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener);

    /**
     * As {@link #watch(String, long, Consumer)}; and if the watch stops later because the changes
     * it has yet to deliver are no longer kept (it fell behind, or a cluster store compacted them
     * while it was out of reach), {@code onCompacted} runs once, on the store's thread: the caller
     * re-reads the state with {@link #range} and watches again after the revision it read at.
     * By default the store only logs the stop.
     */
    default Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener,
            Consumer<CompactedRevisionException> onCompacted) {
        return watch(prefix, afterRevision, listener);
    }

    /**
     * Grants a lease of {@code ttl} that this store keeps alive (keep-alives every third of the TTL)
     * until it is closed or the store is. {@code onLost} runs, once, on a store thread, if the lease
     * expired anyway: the store was out of reach for longer than the TTL, and every key under the
     * lease is gone. Closing the store stops the keep-alives without revoking, so a restarted
     * holder can {@link #resumeLease resume} the lease within its TTL.
     *
     * @throws StoreException if the store cannot grant it (unreachable, or no lease support)
     */
    default Lease grantLease(Duration ttl, Runnable onLost) {
        throw new StoreException(LEASES_NEED_A_CLUSTER_STORE);
    }

    /**
     * Keeps alive the lease {@code id}, granted earlier (by this process before a restart, say), if
     * it still lives: its keys stay, and watchers see nothing. Empty when it has expired or was revoked.
     */
    default Optional<Lease> resumeLease(long id, Duration ttl, Runnable onLost) {
        throw new StoreException(LEASES_NEED_A_CLUSTER_STORE);
    }

    /**
     * The keys held under lease {@code id} now (empty when it is gone): what a holder that restarted
     * within the TTL still holds, to find what it took and never recorded.
     */
    default java.util.Set<String> keysUnder(long id) {
        throw new StoreException(LEASES_NEED_A_CLUSTER_STORE);
    }

    /** The refusal of a store without leases. */
    String LEASES_NEED_A_CLUSTER_STORE = "leases need a cluster store (--cluster-store)";

    @Override
    void close();
}
