package io.netmgr.daemon.task;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoredJson;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import io.netmgr.daemon.task.LogExchange.Batch;
import io.netmgr.daemon.task.LogExchange.Request;
import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's side of the {@link LogExchange}: it watches the log requests addressed to it and
 * answers each from its tasks' log files, in batches under its lease, {@link #PERIOD} apart while
 * following. Bounded: at most {@link #MAX_REQUESTS} requests answered at once (others get one line
 * saying so), at most {@link LogExchange#WINDOW} unread batches per request, a request not
 * following answered for {@link #LIFETIME} at most; two threads serve them all.
 */
public final class LogAnswers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogAnswers.class);
    static final Duration PERIOD = Duration.ofMillis(200);
    static final Duration LIFETIME = Duration.ofMinutes(2);
    static final int MAX_REQUESTS = 64;
    /** A follower checks that its request still stands every this many rounds, in case the watch missed its delete. */
    private static final int CHECK_EVERY = 25;

    private final Store cluster;
    private final String hostId;
    private final Supplier<Lease> lease;
    private final TaskLogs logs;
    private final Map<String, Answer> answering = new ConcurrentHashMap<>();
    private final ScheduledExecutorService workers;
    private volatile Watch watch;
    private volatile boolean closed;

    /** Answers the requests to host {@code hostId} with the logs in {@code logs}, writing under {@code lease} (read at each write). */
    public LogAnswers(Store cluster, String hostId, Supplier<Lease> lease, TaskLogs logs) {
        this.cluster = cluster;
        this.hostId = hostId;
        this.lease = lease;
        this.logs = logs;
        this.workers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "netmgrd-log-answers");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts answering. A request standing already was asked of this host before it restarted: what
     * it had sent is unknown, so it ends that answer with a line saying so (the asker stops waiting).
     */
    public LogAnswers start() {
        String prefix = LogExchange.requestsOf(hostId);
        long revision = cluster.revision();
        for (KeyValue kv : cluster.range(prefix)) {
            String id = kv.key().substring(prefix.length());
            workers.execute(() -> interrupted(id, StoredJson.decode(kv, Request.class)));
        }
        watch = cluster.watch(prefix, revision, this::onEvent, compacted -> LOG.warn(
                "log requests: the watch fell behind ({}); requests made meanwhile go unanswered", compacted.getMessage()));
        return this;
    }

    private void onEvent(WatchEvent event) {
        String id = event.kv().key().substring(LogExchange.requestsOf(hostId).length());
        if (event.type() == WatchEvent.Type.DELETE) {
            Answer gone = answering.remove(id);
            if (gone != null) {
                gone.stop();
            }
            // the asker closed it, or died with its lease: what it left unread goes too (answers are written only while the request stands)
            workers.execute(() -> forget(id));
            return;
        }
        if (answering.containsKey(id) || closed) {
            return;
        }
        Request request;
        Answer answer;
        try {
            request = StoredJson.decode(event.kv(), Request.class);
            if (answering.size() >= MAX_REQUESTS) {
                workers.execute(() -> refuse(id, request, "host answers " + MAX_REQUESTS + " log requests already; try again later"));
                return;
            }
            answer = new Answer(id, request);
        } catch (RuntimeException e) {
            // unreadable, or a service name no task file can have: the asker's patience ends it
            LOG.warn("log request {}: {}", id, e.getMessage());
            return;
        }
        answering.put(id, answer);
        workers.execute(answer::step);
    }

    private void forget(String id) {
        try {
            cluster.txn().deletePrefix(LogExchange.answersOf(id)).commit();
        } catch (RuntimeException e) {
            LOG.warn("log request {}: cannot remove its answers (they go with this host's lease): {}", id, e.getMessage());
        }
    }

    /** Writes {@code value} at {@code key} under this host's lease if request {@code id} still stands; false once it is gone. */
    private boolean answer(String id, String key, byte[] value) {
        return cluster.txn().ifPresent(LogExchange.requestKey(hostId, id)).put(key, value, lease.get()).commit().succeeded();
    }

    private void interrupted(String id, Request request) {
        refuse(id, request, "netmgrd restarted on this host while answering; run the command again");
    }

    // one line per task asked for, then the end
    private void refuse(String id, Request request, String why) {
        List<TaskLine> lines = LogExchange.notice(request.service(), request.slots(), why, null); // the asker adds this host's address
        try {
            if (answer(id, LogExchange.batchKey(id, 0), StoredJson.encode(new Batch(lines)))) {
                answer(id, LogExchange.endKey(id), new byte[0]);
            }
        } catch (RuntimeException e) {
            LOG.warn("log request {}: cannot answer: {}", id, e.getMessage());
        }
    }

    /** How many requests this host answers now. */
    int answering() {
        return answering.size();
    }

    /** One request's answer: the cursor over the tasks asked for, and the batches it has written. */
    private final class Answer {
        private final String id;
        private final Request request;
        private final TaskLogs.Cursor cursor;
        private final long deadline;
        private final List<Batch> pending = new ArrayList<>();
        private long seq;
        private long rounds;
        private volatile boolean stopped;

        Answer(String id, Request request) {
            this.id = id;
            this.request = request;
            this.cursor = logs.open(request.service(), request.slots()::contains, request.tail());
            this.deadline = System.nanoTime() + LIFETIME.toNanos();
        }

        void stop() {
            stopped = true;
        }

        // a round: read what is new (once the last read is all written), write what the window lets through
        void step() {
            if (stopped || closed) {
                return;
            }
            try {
                if (pending.isEmpty()) {
                    pending.addAll(LogExchange.batches(cursor.poll()));
                    if (seq == 0 && pending.isEmpty()) {
                        pending.add(new Batch(List.of())); // the first answer says "here" even with nothing to say
                    }
                }
                while (!pending.isEmpty() && !stopped && roomFor(seq)) {
                    if (!answer(id, LogExchange.batchKey(id, seq), StoredJson.encode(pending.get(0)))) {
                        finish(); // the asker is gone
                        return;
                    }
                    pending.remove(0);
                    seq++;
                }
                boolean pastLifetime = !request.follow() && System.nanoTime() > deadline;
                if (!request.follow() && ((pending.isEmpty() && cursor.complete()) || pastLifetime)) {
                    if (pastLifetime && !pending.isEmpty()) {
                        LOG.info("log request {}: cut after {} s, {} batch(es) unread", id, LIFETIME.toSeconds(), pending.size());
                    }
                    answer(id, LogExchange.endKey(id), new byte[0]);
                    finish();
                    return;
                }
                if (request.follow() && ++rounds % CHECK_EVERY == 0 && cluster.get(LogExchange.requestKey(hostId, id)).isEmpty()) {
                    finish();
                    return;
                }
            } catch (RuntimeException e) {
                LOG.warn("log request {}: a round failed (tried again in {} ms): {}", id, PERIOD.toMillis(), e.getMessage());
            }
            if (!stopped && !closed) {
                workers.schedule(this::step, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        // batch n may be written once the asker has read (deleted) batch n - WINDOW
        private boolean roomFor(long n) {
            return n < LogExchange.WINDOW || cluster.get(LogExchange.batchKey(id, n - LogExchange.WINDOW)).isEmpty();
        }

        private void finish() {
            stopped = true;
            answering.remove(id, this);
        }
    }

    /** Stops answering; what this host wrote goes with its lease, or when the askers delete it. */
    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        workers.shutdownNow();
    }
}
