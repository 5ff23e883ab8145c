package io.netmgr.core.fake;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.HookedTxn;
import io.netmgr.core.store.Txn;
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
        return new HookedTxn(store.txn(), () -> faults.step("store commit"));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return store.watch(prefix, afterRevision, listener);
    }

    @Override
    public void close() {
        store.close();
    }
}
