package io.netmgr.dns;

import io.netmgr.core.controller.StoredModel;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names containers resolve, kept current by the store's watch: a query reads the latest
 * {@link NameTable} from memory and never the store. Changes only mark the table stale; it is
 * rebuilt once, by the next reader, however many changes came meanwhile (a burst of joins costs
 * one rebuild, not one per join).
 */
public final class NameIndex implements AutoCloseable {
    private final ModelMirror mirror = new ModelMirror();
    private final Runnable onChange;
    private final List<Watch> watches = new ArrayList<>();
    private volatile NameTable table;
    private volatile boolean stale;

    private NameIndex(Store store, Optional<Store> cluster, Runnable onChange) {
        this.onChange = onChange;
        long revision = store.revision();
        long clusterRevision = cluster.map(Store::revision).orElse(0L);
        // changes after these revisions come again through the watches: applying them twice is harmless
        synchronized (this) {
            for (KeyValue kv : store.range(StoredModel.ROOT)) {
                mirror.put(kv);
            }
            cluster.ifPresent(c -> c.range(ScopedStore.GLOBAL).forEach(mirror::put));
            table = mirror.table();
        }
        watches.add(store.watch(StoredModel.ROOT, revision, this::changed));
        cluster.ifPresent(c -> watches.add(c.watch(ScopedStore.GLOBAL, clusterRevision, this::changed)));
    }

    /**
     * Reads the model from {@code store} and follows it. {@code onChange} runs on the store's
     * watch thread after each change that may alter names or served sandboxes: it must be quick
     * (hand work to another thread, which then reads {@link #table()}).
     */
    public static NameIndex follow(Store store, Runnable onChange) {
        return new NameIndex(store, Optional.empty(), onChange);
    }

    /** As {@link #follow(Store, Runnable)}, and the global networks, their endpoints and global services of {@code cluster}'s store. */
    public static NameIndex follow(Store store, Optional<Store> cluster, Runnable onChange) {
        return new NameIndex(store, cluster, onChange);
    }

    /** The names as of the last change seen. */
    public NameTable table() {
        return stale ? rebuild() : table;
    }

    private synchronized NameTable rebuild() {
        if (stale) {
            stale = false; // cleared under the lock that changes take: none is lost
            table = mirror.table();
        }
        return table;
    }

    private void changed(WatchEvent event) {
        boolean changed;
        synchronized (this) {
            changed = mirror.apply(event);
            stale |= changed;
        }
        if (changed) {
            onChange.run();
        }
    }

    @Override
    public void close() {
        watches.forEach(Watch::close);
    }
}
