package io.netmgr.core.fake;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import io.netmgr.core.store.TxnResult;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/** A {@link MemoryStore} whose commits are steps that {@link Faults} can fail (as a full disk or a lost etcd would). */
public final class FaultyStore implements Store {
    private final Store store = new MemoryStore();
    private final Faults faults;

    public FaultyStore(Faults faults) {
        this.faults = faults;
    }

    /** Every key with its value as text: what a failed call must leave as it found it. */
    public Map<String, String> contents() {
        Map<String, String> all = new TreeMap<>();
        store.range("").forEach(kv -> all.put(kv.key(), new String(kv.value(), StandardCharsets.UTF_8)));
        return all;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return store.get(key);
    }

    @Override
    public List<KeyValue> range(String prefix) {
        return store.range(prefix);
    }

    @Override
    public long revision() {
        return store.revision();
    }

    @Override
    public Txn txn() {
        return new FaultyTxn(store.txn());
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return store.watch(prefix, afterRevision, listener);
    }

    @Override
    public void close() {
        store.close();
    }

    private final class FaultyTxn implements Txn {
        private final Txn txn;

        FaultyTxn(Txn txn) {
            this.txn = txn;
        }

        @Override
        public Txn ifAbsent(String key) {
            txn.ifAbsent(key);
            return this;
        }

        @Override
        public Txn ifPresent(String key) {
            txn.ifPresent(key);
            return this;
        }

        @Override
        public Txn ifModRevision(String key, long modRevision) {
            txn.ifModRevision(key, modRevision);
            return this;
        }

        @Override
        public Txn put(String key, byte[] value, io.netmgr.core.store.Lease lease) {
            txn.put(key, value, lease);
            return this;
        }

        @Override
        public Txn put(String key, byte[] value) {
            txn.put(key, value);
            return this;
        }

        @Override
        public Txn delete(String key) {
            txn.delete(key);
            return this;
        }

        @Override
        public Txn deletePrefix(String prefix) {
            txn.deletePrefix(prefix);
            return this;
        }

        @Override
        public TxnResult commit() {
            faults.step("store commit");
            return txn.commit();
        }
    }
}
