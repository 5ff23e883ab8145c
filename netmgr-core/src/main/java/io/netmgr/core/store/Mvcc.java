package io.netmgr.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The revision rules every embedded store shares: check the conditions, apply the operations
 * under one new revision, and record what changed for watchers. The store supplies the keys
 * and the change log of its current transaction (or of its locked in-memory state).
 */
final class Mvcc {

    /** A store's state as seen from inside one write transaction. */
    interface KeySpace {
        long revision();

        Optional<KeyValue> get(String key);

        List<KeyValue> range(String prefix);

        /** Stores {@code kv}, under {@code lease} (0 for none: a put without a lease leaves any lease it had). */
        void put(KeyValue kv, long lease);

        void delete(String key);

        /** Records the changes of {@code revision}, which becomes the store's revision. */
        void append(long revision, List<WatchEvent> events);
    }

    private Mvcc() {
    }

    /**
     * Applies {@code request} to {@code space}. A failed condition changes nothing; a transaction
     * whose operations change nothing (deletes of absent keys) keeps the revision, as in etcd.
     */
    static TxnResult commit(KeySpace space, TxnBuilder.Request request) {
        long current = space.revision();
        for (TxnBuilder.Condition condition : request.conditions()) {
            if (!condition.holds(space.get(condition.key()))) {
                return new TxnResult(false, current);
            }
        }
        long revision = current + 1;
        List<WatchEvent> events = new ArrayList<>();
        for (TxnBuilder.Op op : request.ops()) {
            if (op instanceof TxnBuilder.Put put) {
                Optional<KeyValue> previous = space.get(put.key());
                KeyValue kv = new KeyValue(put.key(), put.value(),
                        previous.map(KeyValue::createRevision).orElse(revision),
                        revision,
                        previous.map(KeyValue::version).orElse(0L) + 1);
                space.put(kv, put.lease());
                events.add(new WatchEvent(WatchEvent.Type.PUT, kv, revision));
            } else if (op instanceof TxnBuilder.Delete delete) {
                space.get(delete.key()).ifPresent(kv -> remove(space, kv, revision, events));
            } else if (op instanceof TxnBuilder.DeletePrefix deletePrefix) {
                space.range(deletePrefix.prefix()).forEach(kv -> remove(space, kv, revision, events));
            }
        }
        if (events.isEmpty()) {
            return new TxnResult(true, current);
        }
        space.append(revision, List.copyOf(events));
        return new TxnResult(true, revision);
    }

    private static void remove(KeySpace space, KeyValue kv, long revision, List<WatchEvent> events) {
        space.delete(kv.key());
        events.add(new WatchEvent(WatchEvent.Type.DELETE, kv, revision));
    }
}
