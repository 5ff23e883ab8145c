package io.netmgr.core.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Collects a transaction's conditions and operations and hands them, once, to its store as a
 * {@link Request}. Public for {@link Store} implementations in other modules (the etcd store).
 */
public final class TxnBuilder implements Txn {

    /** A condition on one key's current state. */
    public sealed interface Condition {
        String key();

        /** Whether the condition holds on the key's current state. */
        boolean holds(Optional<KeyValue> current);
    }

    public record Absent(String key) implements Condition {
        @Override
        public boolean holds(Optional<KeyValue> current) {
            return current.isEmpty();
        }
    }

    public record Present(String key) implements Condition {
        @Override
        public boolean holds(Optional<KeyValue> current) {
            return current.isPresent();
        }
    }

    public record ModRevision(String key, long modRevision) implements Condition {
        @Override
        public boolean holds(Optional<KeyValue> current) {
            return current.map(KeyValue::modRevision).orElse(0L) == modRevision;
        }
    }

    /** A change applied when every condition holds, in the order it was added. */
    public sealed interface Op permits Put, Delete, DeletePrefix {
    }

    /** A put; {@code lease} is 0 for none. */
    public record Put(String key, byte[] value, long lease) implements Op {
        public boolean leased() {
            return lease != 0;
        }
    }

    public record Delete(String key) implements Op {
    }

    public record DeletePrefix(String prefix) implements Op {
    }

    public record Request(List<Condition> conditions, List<Op> ops) {
        /** The leases the request puts keys under. */
        public java.util.Set<Long> leases() {
            java.util.Set<Long> leases = new java.util.TreeSet<>();
            for (Op op : ops) {
                if (op instanceof Put put && put.leased()) {
                    leases.add(put.lease());
                }
            }
            return leases;
        }
    }

    private final Function<Request, TxnResult> store;
    private final List<Condition> conditions = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private boolean committed;

    public TxnBuilder(Function<Request, TxnResult> store) {
        this.store = store;
    }

    @Override
    public Txn ifAbsent(String key) {
        return condition(new Absent(checkKey(key)));
    }

    @Override
    public Txn ifPresent(String key) {
        return condition(new Present(checkKey(key)));
    }

    @Override
    public Txn ifModRevision(String key, long modRevision) {
        if (modRevision < 0) {
            throw new IllegalArgumentException("modRevision of " + key + " must be >= 0 (0 = absent), got " + modRevision);
        }
        return condition(new ModRevision(checkKey(key), modRevision));
    }

    @Override
    public Txn put(String key, byte[] value) {
        Objects.requireNonNull(value, "value");
        // copied so a caller reusing its buffer cannot change what is committed
        return op(new Put(checkKey(key), value.clone(), 0));
    }

    @Override
    public Txn put(String key, byte[] value, Lease lease) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(lease, "lease");
        return op(new Put(checkKey(key), value.clone(), lease.id()));
    }

    @Override
    public Txn delete(String key) {
        return op(new Delete(checkKey(key)));
    }

    @Override
    public Txn deletePrefix(String prefix) {
        return op(new DeletePrefix(Objects.requireNonNull(prefix, "prefix")));
    }

    @Override
    public TxnResult commit() {
        checkOpen();
        committed = true;
        return store.apply(new Request(List.copyOf(conditions), List.copyOf(ops)));
    }

    private Txn condition(Condition condition) {
        checkOpen();
        conditions.add(condition);
        return this;
    }

    private Txn op(Op op) {
        checkOpen();
        ops.add(op);
        return this;
    }

    private void checkOpen() {
        if (committed) {
            throw new IllegalStateException("transaction already committed; start a new one with Store.txn()");
        }
    }

    private static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
        int length = key.getBytes(StandardCharsets.UTF_8).length;
        if (length > Store.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key " + key.substring(0, 40) + "... is " + length
                    + " bytes in UTF-8; keys take up to " + Store.MAX_KEY_BYTES + " bytes");
        }
        return key;
    }
}
