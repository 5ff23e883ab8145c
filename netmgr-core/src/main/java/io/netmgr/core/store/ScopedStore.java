package io.netmgr.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One host's view of its two stores, as libnetwork's local and global stores: keys under
 * {@value #GLOBAL} (global-scope networks, their endpoints, pools and addresses, the peer table,
 * the claims such as VNIs) live in the cluster store every host shares; every other key in the
 * host's embedded store. Callers address keys as usual and the key says where it lives.
 *
 * <p>A transaction commits in the one store its keys belong to, so it stays atomic; one that
 * mixes keys of both is a programming error and is refused before anything is written (the two
 * stores share no transaction). A range or watch reads the store its prefix belongs to.
 */
public final class ScopedStore implements Store {
    /** The prefix of every key kept in the cluster store. */
    public static final String GLOBAL = "/netmgr/global/";

    private final Store local;
    private final Store cluster;

    /** The view over {@code local} (this host's) and {@code cluster} (shared); closing it closes neither. */
    public ScopedStore(Store local, Store cluster) {
        this.local = local;
        this.cluster = cluster;
    }

    /** Whether {@code key} (or a prefix) lives in the cluster store. */
    public static boolean isClusterKey(String key) {
        return key.startsWith(GLOBAL);
    }

    private Store of(String key) {
        return isClusterKey(key) ? cluster : local;
    }

    public Store local() {
        return local;
    }

    public Store cluster() {
        return cluster;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return of(key).get(key);
    }

    @Override
    public List<KeyValue> range(String prefix) {
        return of(prefix).range(prefix);
    }

    /**
     * A number that grows whenever either store changes (the sum of their revisions): for a
     * caller asking "has anything changed since"; to watch, use the revision of the store the
     * watched prefix lives in ({@link #revisionOf}).
     */
    @Override
    public long revision() {
        return local.revision() + cluster.revision();
    }

    /** The revision of the store {@code prefix} lives in, to {@link #watch} from. */
    public long revisionOf(String prefix) {
        return of(prefix).revision();
    }

    @Override
    public Txn txn() {
        return new TxnBuilder(this::commit);
    }

    private TxnResult commit(TxnBuilder.Request request) {
        Boolean clustered = null;
        for (String key : keys(request)) {
            boolean c = isClusterKey(key);
            if (clustered != null && clustered != c) {
                throw new IllegalStateException("a transaction mixes keys of the cluster store and of the host's store ("
                        + key + "); commit each store's part on its own");
            }
            clustered = c;
        }
        Txn txn = (Boolean.TRUE.equals(clustered) ? cluster : local).txn();
        for (TxnBuilder.Condition c : request.conditions()) {
            if (c instanceof TxnBuilder.Absent) {
                txn.ifAbsent(c.key());
            } else if (c instanceof TxnBuilder.Present) {
                txn.ifPresent(c.key());
            } else {
                txn.ifModRevision(c.key(), ((TxnBuilder.ModRevision) c).modRevision());
            }
        }
        for (TxnBuilder.Op op : request.ops()) {
            if (op instanceof TxnBuilder.Put p && p.leased()) {
                txn.put(p.key(), p.value(), new LeaseRef(p.lease()));
            } else if (op instanceof TxnBuilder.Put p) {
                txn.put(p.key(), p.value());
            } else if (op instanceof TxnBuilder.Delete d) {
                txn.delete(d.key());
            } else {
                txn.deletePrefix(((TxnBuilder.DeletePrefix) op).prefix());
            }
        }
        return txn.commit();
    }

    private static List<String> keys(TxnBuilder.Request request) {
        var conditions = request.conditions().stream().map(TxnBuilder.Condition::key);
        var ops = request.ops().stream().map(ScopedStore::keyOf);
        return java.util.stream.Stream.concat(conditions, ops).toList();
    }

    private static String keyOf(TxnBuilder.Op op) {
        if (op instanceof TxnBuilder.Put p) {
            return p.key();
        }
        return op instanceof TxnBuilder.Delete d ? d.key() : ((TxnBuilder.DeletePrefix) op).prefix();
    }

    @Override
    public <T> T inOneCommit(Supplier<T> work) {
        return local.inOneCommit(work); // the cluster store's transactions are durable as they commit
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return of(prefix).watch(prefix, afterRevision, listener);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener,
                       Consumer<CompactedRevisionException> onCompacted) {
        return of(prefix).watch(prefix, afterRevision, listener, onCompacted);
    }

    /** Leases are the cluster store's: keys under them live there. */
    @Override
    public Lease grantLease(Duration ttl, Runnable onLost) {
        return cluster.grantLease(ttl, onLost);
    }

    @Override
    public java.util.Set<String> keysUnder(long id) {
        return cluster.keysUnder(id);
    }

    @Override
    public Optional<Lease> resumeLease(long id, Duration ttl, Runnable onLost) {
        return cluster.resumeLease(id, ttl, onLost);
    }

    /** A lease named by id, as a transaction hands it on: the store it is replayed to knows the rest. */
    private record LeaseRef(long id) implements Lease {
        @Override
        public Duration ttl() {
            throw new UnsupportedOperationException("a lease passed on by id");
        }

        @Override
        public boolean alive() {
            throw new UnsupportedOperationException("a lease passed on by id");
        }

        @Override
        public void close() {
            throw new UnsupportedOperationException("a lease passed on by id");
        }
    }

    @Override
    public void close() {
        // the stores belong to whoever opened them
    }
}
