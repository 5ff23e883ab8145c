package io.netmgr.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.netmgr.core.store.TxnBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a netmgr transaction into one etcd transaction. etcd refuses a key named twice in a
 * transaction (two puts, or a put inside a deleted range), while netmgr applies operations in
 * order; so the plan keeps each key's last operation: a later put replaces an earlier put or cuts
 * its key out of an earlier delete range, and a later delete drops the earlier puts it covers.
 * The outcome is the same state; the difference is that two puts of a key in one transaction
 * count as one version, and a key deleted then put again keeps its create revision.
 */
final class EtcdTxnPlan {

    private record Put(byte[] value, long lease) {
    }

    private final String root;
    private final List<Cmp> compares = new ArrayList<>();
    private final List<KeyRange> deletes = new ArrayList<>();
    private final Map<String, Put> puts = new LinkedHashMap<>();
    private String marker; // with the root; null for a transaction that writes nothing

    private EtcdTxnPlan(String root) {
        this.root = root;
    }

    static EtcdTxnPlan of(String root, TxnBuilder.Request request) {
        EtcdTxnPlan plan = new EtcdTxnPlan(root);
        for (TxnBuilder.Condition condition : request.conditions()) {
            ByteSequence key = plan.key(condition.key());
            if (condition instanceof TxnBuilder.Absent) {
                plan.compares.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)));
            } else if (condition instanceof TxnBuilder.Present) {
                plan.compares.add(new Cmp(key, Cmp.Op.GREATER, CmpTarget.version(0)));
            } else if (condition instanceof TxnBuilder.ModRevision m) {
                plan.compares.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(m.modRevision())));
            }
        }
        for (TxnBuilder.Op op : request.ops()) {
            if (op instanceof TxnBuilder.Put put) {
                plan.put(root + put.key(), put.value(), put.lease());
            } else if (op instanceof TxnBuilder.Delete delete) {
                plan.delete(KeyRange.key(root + delete.key()));
            } else if (op instanceof TxnBuilder.DeletePrefix prefix) {
                plan.delete(KeyRange.prefix(root + prefix.prefix()));
            }
        }
        return plan;
    }

    private void put(String key, byte[] value, long lease) {
        puts.remove(key);
        puts.put(key, new Put(value, lease));
        byte[] bytes = KeyRange.bytes(key);
        List<KeyRange> cut = new ArrayList<>();
        for (KeyRange range : deletes) {
            if (range.contains(bytes)) {
                for (KeyRange part : range.without(bytes)) {
                    if (!part.isEmpty()) {
                        cut.add(part);
                    }
                }
            } else {
                cut.add(range);
            }
        }
        deletes.clear();
        deletes.addAll(cut);
    }

    private void delete(KeyRange range) {
        puts.keySet().removeIf(key -> range.contains(KeyRange.bytes(key)));
        deletes.removeIf(earlier -> earlier.within(range));
        deletes.add(range);
    }

    /**
     * Guards the plan with its own marker (see {@link TxnMarkers}) and deletes {@code cleanup},
     * earlier markers whose outcome is known. Keys are given without the root.
     */
    void mark(String markerKey, List<String> cleanup) {
        for (String old : cleanup) {
            delete(KeyRange.key(root + old));
        }
        marker = root + markerKey;
        put(marker, TxnMarkers.value(System.currentTimeMillis()), 0); // its time: a sweep at connect knows it is old
    }

    /** The operations the plan runs when its compares hold (etcd caps them, see {@link TxnMarkers#MAX_TXN_OPS}). */
    int operations() {
        return deletes.size() + puts.size();
    }

    boolean onlyDeletes() {
        return puts.isEmpty();
    }

    boolean isEmpty() {
        return deletes.isEmpty() && puts.isEmpty();
    }

    /**
     * Applies the plan to an etcd transaction: deletes first, then puts; a marked plan also reads
     * its marker when its compares fail. The answer carries no deleted values (watchers get them
     * from their own watch): a prefix of many keys deleted would make it as large as the keys.
     */
    io.etcd.jetcd.Txn applyTo(io.etcd.jetcd.Txn txn) {
        List<Op> ops = new ArrayList<>();
        for (KeyRange range : deletes) {
            ops.add(Op.delete(ByteSequence.from(range.from()), DeleteOption.builder().withRange(ByteSequence.from(range.to())).build()));
        }
        puts.forEach((key, put) -> ops.add(Op.put(ByteSequence.from(KeyRange.bytes(key)), ByteSequence.from(put.value()),
                put.lease() == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(put.lease()).build())));
        if (marker == null) {
            return txn.If(compares.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new));
        }
        List<Cmp> guarded = new ArrayList<>(compares);
        ByteSequence markerKey = ByteSequence.from(KeyRange.bytes(marker));
        guarded.add(new Cmp(markerKey, Cmp.Op.EQUAL, CmpTarget.version(0)));
        return txn.If(guarded.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new))
                .Else(Op.get(markerKey, io.etcd.jetcd.options.GetOption.DEFAULT));
    }

    private ByteSequence key(String key) {
        return ByteSequence.from(KeyRange.bytes(root + key));
    }
}
