package io.netmgr.core.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A {@link Store} held in this process's memory: thread-safe, with watches, lost on exit.
 * The fast fake for unit tests; it follows the same revision rules as the LMDB store.
 *
 * <p>It has leases too, so that several hosts' logic can be tested in one JVM: a lease is kept
 * alive until {@link #stopKeepAlive} says its holder died or was cut off, and expires a TTL after
 * that by the store's ticker (injectable, so tests advance time instead of sleeping). Expiry is
 * checked whenever the store is used, and every second while a watch is open.
 */
public final class MemoryStore implements Store {

    // keys ordered by code point, which is the UTF-8 byte order LMDB and etcd use
    private final NavigableMap<String, KeyValue> keys = new TreeMap<>(MemoryStore::compareCodePoints);
    private final NavigableMap<Long, List<WatchEvent>> changes = new TreeMap<>();
    private final int retainedRevisions;
    private final WatchHub hub;
    private final LongSupplier nanoTicker;
    private final Map<Long, HeldLease> leases = new HashMap<>();
    private final Map<String, Long> leaseOfKey = new HashMap<>();
    private long lastLeaseId;
    private long revision;
    private boolean closed;

    public MemoryStore() {
        this(ChangeLog.DEFAULT_RETAINED_REVISIONS);
    }

    /** A store that keeps the changes of its latest {@code retainedRevisions} revisions for watchers. */
    public MemoryStore(int retainedRevisions) {
        this(retainedRevisions, System::nanoTime);
    }

    /** A store whose leases expire by {@code nanoTicker} (a {@link System#nanoTime()} stand-in). */
    public MemoryStore(LongSupplier nanoTicker) {
        this(ChangeLog.DEFAULT_RETAINED_REVISIONS, nanoTicker);
    }

    public MemoryStore(int retainedRevisions, LongSupplier nanoTicker) {
        if (retainedRevisions < 1) {
            throw new IllegalArgumentException("retainedRevisions must be >= 1, got " + retainedRevisions);
        }
        this.retainedRevisions = retainedRevisions;
        this.nanoTicker = nanoTicker;
        // commits wake the hub; the poll is only a safety net
        this.hub = new WatchHub(new Log(), 1, TimeUnit.SECONDS, "netmgr-memory-store-watch");
    }

    @Override
    public Optional<KeyValue> get(String key) {
        expireLeases();
        return read(key);
    }

    private synchronized Optional<KeyValue> read(String key) {
        checkOpen();
        return Optional.ofNullable(keys.get(key)).map(MemoryStore::copy);
    }

    @Override
    public List<KeyValue> range(String prefix) {
        expireLeases();
        return readRange(prefix);
    }

    private synchronized List<KeyValue> readRange(String prefix) {
        checkOpen();
        return under(prefix).stream().map(MemoryStore::copy).toList();
    }

    @Override
    public long revision() {
        expireLeases();
        return currentRevision();
    }

    private synchronized long currentRevision() {
        checkOpen();
        return revision;
    }

    @Override
    public synchronized Lease grantLease(Duration ttl, Runnable onLost) {
        checkOpen();
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("a lease's TTL must be at least 1 ms, got " + ttl);
        }
        HeldLease held = new HeldLease(++lastLeaseId, ttl, onLost);
        leases.put(held.id, held);
        return held;
    }

    @Override
    public Optional<Lease> resumeLease(long id, Duration ttl, Runnable onLost) {
        expireLeases();
        synchronized (this) {
            checkOpen();
            HeldLease held = leases.get(id);
            if (held == null) {
                return Optional.empty();
            }
            held.onLost = onLost;
            held.keepAlive();
            return Optional.of(held);
        }
    }

    @Override
    public synchronized java.util.Set<String> keysUnder(long id) {
        expireLeases();
        HeldLease held = leases.get(id);
        return held == null ? java.util.Set.of() : java.util.Set.copyOf(held.keys);
    }

    /**
     * Stops keeping lease {@code id} alive, as if its holder died or lost the store: it expires a
     * TTL later by the ticker, unless {@link #resumeLease resumed} first. A test hook.
     */
    public synchronized void stopKeepAlive(long id) {
        HeldLease held = leases.get(id);
        if (held != null) {
            held.keptAlive = false;
            held.deadline = nanoTicker.getAsLong() + held.ttl.toNanos();
        }
    }

    /**
     * Expires every lease whose holder stopped keeping it alive a TTL ago or more by the ticker:
     * its keys go in one revision, and the {@code onLost} of its grant runs on this thread.
     * Every use of the store does this first; tests that advance the ticker may call it directly.
     */
    public void expireLeases() {
        List<Runnable> lost = new ArrayList<>();
        synchronized (this) {
            if (closed || leases.isEmpty()) {
                return;
            }
            long now = nanoTicker.getAsLong();
            for (HeldLease held : List.copyOf(leases.values())) {
                if (held.keptAlive) {
                    held.deadline = now + held.ttl.toNanos();
                } else if (now - held.deadline >= 0) {
                    end(held);
                    lost.add(held.onLost);
                }
            }
        }
        if (!lost.isEmpty()) {
            hub.wake();
        }
        lost.forEach(Runnable::run);
    }

    @Override
    public Txn txn() {
        return new TxnBuilder(this::commit);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return watch(prefix, afterRevision, listener, compacted -> { }); // the hub logs the stop
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener,
            Consumer<CompactedRevisionException> onCompacted) {
        checkOpen();
        return hub.add(prefix, afterRevision, listener, onCompacted);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        hub.close();
    }

    private TxnResult commit(TxnBuilder.Request request) {
        expireLeases();
        TxnResult result;
        synchronized (this) {
            checkOpen();
            for (long lease : request.leases()) {
                if (!leases.containsKey(lease)) {
                    throw new StoreException("lease " + lease + " has expired or was revoked; put the key under a new lease");
                }
            }
            result = Mvcc.commit(new Space(), request);
        }
        hub.wake();
        return result;
    }

    // keys with a common prefix are contiguous in key order, starting at the prefix itself
    private List<KeyValue> under(String prefix) {
        List<KeyValue> found = new ArrayList<>();
        for (KeyValue kv : keys.tailMap(prefix, true).values()) {
            if (!kv.key().startsWith(prefix)) {
                break;
            }
            found.add(kv);
        }
        return found;
    }

    // deletes the lease's keys in one revision; holding the monitor
    private void end(HeldLease held) {
        leases.remove(held.id);
        List<TxnBuilder.Op> deletes = held.keys.stream().<TxnBuilder.Op>map(TxnBuilder.Delete::new).toList();
        Mvcc.commit(new Space(), new TxnBuilder.Request(List.of(), deletes));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    private static KeyValue copy(KeyValue kv) {
        return new KeyValue(kv.key(), kv.value().clone(), kv.createRevision(), kv.modRevision(), kv.version());
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** The key space of the store's locked state; used only while holding the store's monitor. */
    private final class Space implements Mvcc.KeySpace {
        @Override
        public long revision() {
            return revision;
        }

        @Override
        public Optional<KeyValue> get(String key) {
            return Optional.ofNullable(keys.get(key));
        }

        @Override
        public List<KeyValue> range(String prefix) {
            return under(prefix);
        }

        @Override
        public void put(KeyValue kv, long lease) {
            keys.put(kv.key(), kv);
            detach(kv.key());
            if (lease != 0) {
                leaseOfKey.put(kv.key(), lease);
                leases.get(lease).keys.add(kv.key());
            }
        }

        @Override
        public void delete(String key) {
            keys.remove(key);
            detach(key);
        }

        private void detach(String key) {
            Long previous = leaseOfKey.remove(key);
            HeldLease held = previous == null ? null : leases.get(previous);
            if (held != null) {
                held.keys.remove(key);
            }
        }

        @Override
        public void append(long newRevision, List<WatchEvent> events) {
            changes.put(newRevision, events);
            revision = newRevision;
            while (changes.size() > retainedRevisions) {
                changes.pollFirstEntry();
            }
        }
    }

    /** A lease and the keys under it; guarded by the store's monitor. */
    private final class HeldLease implements Lease {
        private final long id;
        private final Duration ttl;
        private final Set<String> keys = new LinkedHashSet<>();
        private Runnable onLost;
        private boolean keptAlive = true;
        private long deadline;

        HeldLease(long id, Duration ttl, Runnable onLost) {
            this.id = id;
            this.ttl = ttl;
            this.onLost = onLost;
            keepAlive();
        }

        void keepAlive() {
            keptAlive = true;
            deadline = nanoTicker.getAsLong() + ttl.toNanos();
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public Duration ttl() {
            return ttl;
        }

        @Override
        public boolean alive() {
            expireLeases();
            synchronized (MemoryStore.this) {
                return leases.get(id) == this;
            }
        }

        @Override
        public void close() {
            synchronized (MemoryStore.this) {
                if (closed || leases.get(id) != this) {
                    return;
                }
                end(this);
            }
            hub.wake();
        }
    }

    private final class Log implements ChangeLog {
        @Override
        public long revision() {
            return MemoryStore.this.revision();
        }

        @Override
        public List<WatchEvent> eventsAfter(long afterRevision, int maxRevisions) {
            synchronized (MemoryStore.this) {
                checkOpen();
                if (afterRevision >= revision) {
                    return List.of();
                }
                long oldest = changes.isEmpty() ? revision + 1 : changes.firstKey();
                if (afterRevision + 1 < oldest) {
                    throw new CompactedRevisionException(afterRevision, oldest);
                }
                List<WatchEvent> events = new ArrayList<>();
                for (Map.Entry<Long, List<WatchEvent>> entry : changes.tailMap(afterRevision, false).entrySet()) {
                    if (entry.getKey() > afterRevision + maxRevisions) {
                        break;
                    }
                    entry.getValue().forEach(e -> events.add(new WatchEvent(e.type(), copy(e.kv()), e.revision())));
                }
                return events;
            }
        }
    }
}
