package io.netmgr.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Store} held in this process's memory: thread-safe, with watches, lost on exit.
 * The fast fake for unit tests; it follows the same revision rules as the LMDB store.
 */
public final class MemoryStore implements Store {

    // keys ordered by code point, which is the UTF-8 byte order LMDB and etcd use
    private final NavigableMap<String, KeyValue> keys = new TreeMap<>(MemoryStore::compareCodePoints);
    private final NavigableMap<Long, List<WatchEvent>> changes = new TreeMap<>();
    private final int retainedRevisions;
    private final WatchHub hub;
    private long revision;
    private boolean closed;

    public MemoryStore() {
        this(ChangeLog.DEFAULT_RETAINED_REVISIONS);
    }

    /** A store that keeps the changes of its latest {@code retainedRevisions} revisions for watchers. */
    public MemoryStore(int retainedRevisions) {
        if (retainedRevisions < 1) {
            throw new IllegalArgumentException("retainedRevisions must be >= 1, got " + retainedRevisions);
        }
        this.retainedRevisions = retainedRevisions;
        // commits wake the hub; the poll is only a safety net
        this.hub = new WatchHub(new Log(), 1, TimeUnit.SECONDS, "netmgr-memory-store-watch");
    }

    @Override
    public synchronized Optional<KeyValue> get(String key) {
        checkOpen();
        return Optional.ofNullable(keys.get(key)).map(MemoryStore::copy);
    }

    @Override
    public synchronized List<KeyValue> range(String prefix) {
        checkOpen();
        return under(prefix).stream().map(MemoryStore::copy).toList();
    }

    @Override
    public synchronized long revision() {
        checkOpen();
        return revision;
    }

    @Override
    public Txn txn() {
        return new TxnBuilder(this::commit);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        checkOpen();
        return hub.add(prefix, afterRevision, listener);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        hub.close();
    }

    private TxnResult commit(TxnBuilder.Request request) {
        TxnResult result;
        synchronized (this) {
            checkOpen();
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
        public void put(KeyValue kv) {
            keys.put(kv.key(), kv);
        }

        @Override
        public void delete(String key) {
            keys.remove(key);
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
