package io.netmgr.ipam;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** A store that counts the reads made through it, to see what one IPAM call costs. */
final class CountingStore implements Store {

    private final Store store;
    int gets;
    int ranges;
    int keysRead;

    CountingStore(Store store) {
        this.store = store;
    }

    void reset() {
        gets = 0;
        ranges = 0;
        keysRead = 0;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        gets++;
        keysRead++;
        return store.get(key);
    }

    @Override
    public List<KeyValue> range(String prefix) {
        ranges++;
        List<KeyValue> found = store.range(prefix);
        keysRead += found.size();
        return found;
    }

    @Override
    public long revision() {
        return store.revision();
    }

    @Override
    public Txn txn() {
        return store.txn();
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
