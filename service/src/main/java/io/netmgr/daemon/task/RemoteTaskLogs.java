package io.netmgr.daemon.task;

import io.netmgr.core.Ids;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoredJson;
import io.netmgr.core.store.Txn;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import io.netmgr.daemon.task.LogExchange.Batch;
import io.netmgr.daemon.task.LogExchange.Request;
import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The logs of the tasks another host runs, asked of it through the {@link LogExchange}: the
 * request is put under this host's lease, the answers arrive through a watch and are handed out
 * in order by {@link #poll()}, which deletes each batch it has read (so the host asked writes on,
 * {@link LogExchange#WINDOW} batches ahead at most). A host that has not answered within
 * {@code patience} (down, cut off, or a netmgrd without the exchange) gets one line per task
 * saying so, and the stream ends. Its methods are synchronized: a reader leaving closes it from
 * another thread than the one polling.
 */
final class RemoteTaskLogs implements LogStream {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTaskLogs.class);
    static final String NO_ANSWER = "host did not answer";
    static final String CUT = "host stopped answering; the lines above are all it sent";

    private final Store cluster;
    private final String address;
    private final Request request;
    private final String requestKey;
    private final String requestId;
    private final Duration patience;
    private final LongSupplier nanos;
    private final long askedAt;
    private final Queue<KeyValue> arrived = new ConcurrentLinkedQueue<>();
    private final Watch watch;
    private boolean answered;
    private boolean ended;
    private boolean closed;

    private RemoteTaskLogs(Store cluster, String hostId, String address, Request request, Duration patience, LongSupplier nanos,
                           Lease lease) {
        this.cluster = cluster;
        this.address = address;
        this.request = request;
        this.requestId = Ids.newId().substring(0, 24);
        this.requestKey = LogExchange.requestKey(hostId, requestId);
        this.patience = patience;
        this.nanos = nanos;
        long revision = cluster.revision();
        this.watch = cluster.watch(LogExchange.answersOf(requestId), revision, this::onEvent);
        try {
            cluster.txn().put(requestKey, StoredJson.encode(request), lease).commit();
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        this.askedAt = nanos.getAsLong();
    }

    /** Asks host {@code hostId} (advertise address {@code address}) for {@code request}'s lines, under {@code lease}. */
    static RemoteTaskLogs ask(Store cluster, String hostId, String address, Request request, Lease lease, Duration patience,
                              LongSupplier nanos) {
        return new RemoteTaskLogs(cluster, hostId, address, request, patience, nanos, lease);
    }

    // on the store's watch thread: only queued, poll() reads them
    private void onEvent(WatchEvent event) {
        if (event.type() == WatchEvent.Type.PUT) {
            arrived.add(event.kv());
        }
    }

    @Override
    public synchronized List<TaskLine> poll() {
        List<TaskLine> lines = new ArrayList<>();
        if (ended) {
            return lines;
        }
        Txn read = cluster.txn();
        boolean any = false;
        for (KeyValue kv = arrived.poll(); kv != null && !ended; kv = arrived.poll()) {
            answered = true;
            if (kv.key().endsWith("/" + LogExchange.END)) {
                ended = true;
            } else {
                StoredJson.decode(kv, Batch.class).lines().forEach(l -> lines.add(l.onHost(address)));
                read.delete(kv.key());
                any = true;
            }
        }
        if (any && !ended) {
            read.commit(); // room for the next batches
        }
        long waited = nanos.getAsLong() - askedAt;
        if (!ended && !answered && waited > patience.toNanos()) {
            ended = true;
            lines.addAll(notice(NO_ANSWER));
        } else if (!ended && !request.follow() && waited > LogAnswers.LIFETIME.plus(patience).toNanos()) {
            ended = true; // the host asked ends its answer by then: it died meanwhile
            lines.addAll(notice(CUT));
        }
        if (ended) {
            close();
        }
        return lines;
    }

    private List<TaskLine> notice(String text) {
        return LogExchange.notice(request.service(), request.slots(), text, address);
    }

    @Override
    public synchronized boolean complete() {
        return ended;
    }

    /** The request and whatever answers are left go; the host asked stops as it sees the request gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ended = true;
        watch.close();
        try {
            cluster.txn().delete(requestKey).deletePrefix(LogExchange.answersOf(requestId)).commit();
        } catch (RuntimeException e) {
            // the store is out of reach: the request goes with this host's lease, its answers when the host asked sees that
            LOG.warn("log request {}: cannot remove it: {}", requestId, e.getMessage());
        }
    }

    String requestKey() {
        return requestKey;
    }
}
