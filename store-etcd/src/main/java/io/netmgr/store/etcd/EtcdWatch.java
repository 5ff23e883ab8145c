package io.netmgr.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch.Watcher;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import io.netmgr.core.store.CompactedRevisionException;
import io.netmgr.core.store.StoreException;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchDelivery;
import io.netmgr.core.store.WatchEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One netmgr watch on an etcd watch stream. jetcd resumes a stream that broke (a member died);
 * when it gives up (no leader, the stream closed), this watch subscribes again after the last
 * revision it received, so it outlives member deaths and quorum losses. Events are handed to the
 * store's delivery thread, each revision once, in order.
 */
final class EtcdWatch implements Watch {

    private static final System.Logger LOG = System.getLogger(EtcdWatch.class.getName());
    private static final long RESUBSCRIBE_MILLIS = 500;

    private final EtcdStore store;
    private final String prefix;
    private final KeyRange range;
    private final WatchDelivery delivery;
    private final CompletableFuture<CompactedException> compaction = new CompletableFuture<>();
    private volatile boolean stopped;
    private volatile boolean started;
    // the last revision handed to the delivery thread; only the stream's callbacks change it
    private volatile long queued;
    private Watcher current;

    EtcdWatch(EtcdStore store, String prefix, long afterRevision, Consumer<WatchEvent> listener,
            Consumer<CompactedRevisionException> onCompacted) {
        this.store = store;
        this.prefix = prefix;
        this.range = KeyRange.prefix(store.root() + prefix);
        this.delivery = new WatchDelivery(prefix, listener, onCompacted);
        this.queued = afterRevision;
    }

    /** Subscribes; a compacted start is refused here, in the caller's thread, as the SPI says. */
    void start() {
        long after = queued;
        boolean compacted = after < store.revision() && compactedSince(after);
        subscribe();
        if (compacted) {
            CompactedException e;
            try {
                e = compaction.get(store.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException | InterruptedException unknown) {
                throw new CompactedRevisionException(after, store.revision());
            }
            throw new CompactedRevisionException(after, e.getCompactedRevision());
        }
        started = true;
    }

    private boolean compactedSince(long after) {
        try {
            store.await(() -> store.client().getKVClient().get(ByteSequence.from(range.from()),
                    GetOption.builder().withRevision(after + 1).withCountOnly(true).build()), "reading revision " + (after + 1));
            return false;
        } catch (StoreException e) {
            if (String.valueOf(e.getMessage()).contains("compacted")) {
                return true;
            }
            throw e;
        }
    }

    private synchronized void subscribe() {
        if (stopped || store.isClosed()) {
            return;
        }
        WatchOption option = WatchOption.builder()
                .withRange(ByteSequence.from(range.to()))
                .withRevision(queued + 1)
                .withPrevKV(true)
                .build();
        current = store.client().getWatchClient().watch(ByteSequence.from(range.from()), option,
                io.etcd.jetcd.Watch.listener(this::onResponse, this::onError, this::onCompleted));
    }

    private void onResponse(WatchResponse response) {
        long floor = queued;
        for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
            long revision = event.getKeyValue().getModRevision();
            if (revision <= floor) {
                continue; // already received before the stream was resumed
            }
            WatchEvent mapped = switch (event.getEventType()) {
                case PUT -> new WatchEvent(WatchEvent.Type.PUT, store.keyValue(event.getKeyValue()), revision);
                case DELETE -> new WatchEvent(WatchEvent.Type.DELETE, store.keyValue(event.getPrevKV()), revision);
                default -> null;
            };
            if (mapped != null && !TxnMarkers.isMarker(mapped.kv().key())) { // markers are the store's own
                store.deliveries().execute(() -> delivery.deliver(mapped));
            }
            queued = Math.max(queued, revision);
        }
    }

    private void onError(Throwable error) {
        if (error instanceof CompactedException compacted) {
            compaction.complete(compacted);
            if (started && !stopped) {
                stopped = true;
                CompactedRevisionException e = new CompactedRevisionException(queued, compacted.getCompactedRevision());
                store.deliveries().execute(() -> delivery.compacted(e));
                store.forget(this);
            }
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "watch of prefix \"" + prefix + "\" interrupted, resuming: " + error);
    }

    private void onCompleted() {
        // jetcd gave the stream up (no leader, a halting error); ours ends only by close() or compaction
        if (!stopped && !store.isClosed()) {
            store.timer().schedule(this::subscribe, RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        stopped = true;
        Watcher watcher;
        synchronized (this) {
            watcher = current;
            current = null;
        }
        if (watcher != null) {
            watcher.close();
        }
        store.forget(this);
        delivery.stop();
    }
}
