package io.netmgr.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A store that counts the requests made through it, each a round trip to etcd in a cluster: key
 * reads (a {@link #revision()} too), range reads, listings of a lease's keys and transaction
 * commits, and the keys read. What a test asserts to show a change costs the reads it should, and
 * what the benchmarks print (it serves nothing else). Closing it leaves the store open: the store
 * is the caller's.
 */
public final class CountingStore implements Store {
    /** Requests so far, by kind. */
    public record Counts(long gets, long ranges, long leaseListings, long txns) {
        public static final Counts NONE = new Counts(0, 0, 0, 0);

        /** Every read: key, range and lease listing. */
        public long reads() {
            return gets + ranges + leaseListings;
        }

        public Counts minus(Counts before) {
            return new Counts(gets - before.gets, ranges - before.ranges, leaseListings - before.leaseListings, txns - before.txns);
        }

        public Counts plus(Counts other) {
            return new Counts(gets + other.gets, ranges + other.ranges, leaseListings + other.leaseListings, txns + other.txns);
        }
    }

    private final Store store;
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong ranges = new AtomicLong();
    private final AtomicLong leaseListings = new AtomicLong();
    private final AtomicLong txns = new AtomicLong();
    private final AtomicLong keysRead = new AtomicLong();
    private final Map<String, AtomicLong> rangesByPrefix = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> getsByKey = new ConcurrentHashMap<>();
    private volatile Thread only;

    public CountingStore(Store store) {
        this.store = store;
    }

    public Counts counts() {
        return new Counts(gets.get(), ranges.get(), leaseListings.get(), txns.get());
    }

    /** The keys the reads returned, as many as they were. */
    public long keysRead() {
        return keysRead.get();
    }

    /** The range reads of a prefix under {@code prefix} (or equal to it). */
    public long ranges(String prefix) {
        return rangesByPrefix.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    /** The key reads of a key under {@code prefix}. */
    public long gets(String prefix) {
        return getsByKey.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().get()).sum();
    }

    /**
     * Counts only the requests {@code thread} makes (null: every thread's): what one call costs,
     * while a watch's or a timer's threads use the store too.
     */
    public void countOnly(Thread thread) {
        this.only = thread;
    }

    private boolean counted() {
        Thread t = only;
        return t == null || t == Thread.currentThread();
    }

    /** Counts from zero again. */
    public void reset() {
        rangesByPrefix.clear();
        getsByKey.clear();
        gets.set(0);
        ranges.set(0);
        leaseListings.set(0);
        txns.set(0);
        keysRead.set(0);
    }

    @Override
    public Optional<KeyValue> get(String key) {
        Optional<KeyValue> found = store.get(key);
        if (counted()) {
            gets.incrementAndGet();
            getsByKey.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            keysRead.addAndGet(found.isPresent() ? 1 : 0);
        }
        return found;
    }

    @Override
    public List<KeyValue> range(String prefix) {
        List<KeyValue> found = store.range(prefix);
        if (counted()) {
            ranges.incrementAndGet();
            rangesByPrefix.computeIfAbsent(prefix, p -> new AtomicLong()).incrementAndGet();
            keysRead.addAndGet(found.size());
        }
        return found;
    }

    @Override
    public long revision() {
        if (counted()) {
            gets.incrementAndGet();
        }
        return store.revision();
    }

    @Override
    public Set<String> keysUnder(long id) {
        if (counted()) {
            leaseListings.incrementAndGet();
        }
        return store.keysUnder(id);
    }

    @Override
    public Txn txn() {
        return new HookedTxn(store.txn(), () -> {
            if (counted()) {
                txns.incrementAndGet();
            }
        });
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
