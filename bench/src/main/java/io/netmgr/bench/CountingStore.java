package io.netmgr.bench;

import io.netmgr.core.store.CompactedRevisionException;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.HookedTxn;
import io.netmgr.core.store.Txn;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store that counts the requests one host makes of the cluster store (each a round trip to
 * etcd): key reads, range reads and transaction commits. Closing it leaves the store open.
 */
final class CountingStore implements Store {
    /** Requests so far, by kind. */
    record Counts(long gets, long ranges, long txns) {
        Counts minus(Counts before) {
            return new Counts(gets - before.gets, ranges - before.ranges, txns - before.txns);
        }

        Counts plus(Counts other) {
            return new Counts(gets + other.gets, ranges + other.ranges, txns + other.txns);
        }
    }

    private final Store store;
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong ranges = new AtomicLong();
    private final AtomicLong txns = new AtomicLong();

    CountingStore(Store store) {
        this.store = store;
    }

    Counts counts() {
        return new Counts(gets.get(), ranges.get(), txns.get());
    }

    @Override
    public Optional<KeyValue> get(String key) {
        gets.incrementAndGet();
        return store.get(key);
    }

    @Override
    public List<KeyValue> range(String prefix) {
        ranges.incrementAndGet();
        return store.range(prefix);
    }

    @Override
    public long revision() {
        gets.incrementAndGet();
        return store.revision();
    }

    @Override
    public Txn txn() {
        return new HookedTxn(store.txn(), txns::incrementAndGet);
    }

    @Override
    public <T> T inOneCommit(Supplier<T> work) {
        return store.inOneCommit(work);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return store.watch(prefix, afterRevision, listener);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener, Consumer<CompactedRevisionException> onCompacted) {
        return store.watch(prefix, afterRevision, listener, onCompacted);
    }

    @Override
    public Lease grantLease(Duration ttl, Runnable onLost) {
        return store.grantLease(ttl, onLost);
    }

    @Override
    public Optional<Lease> resumeLease(long id, Duration ttl, Runnable onLost) {
        return store.resumeLease(id, ttl, onLost);
    }

    @Override
    public void close() {
        // the store is the caller's
    }
}
