package io.netmgr.store.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.netmgr.core.store.CompactedRevisionException;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoreException;
import io.netmgr.core.store.Txn;
import io.netmgr.core.store.TxnBuilder;
import io.netmgr.core.store.TxnResult;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The cluster store: netmgr's {@link Store} on an etcd cluster, through jetcd.
 *
 * <p>Revisions are etcd's own, which follow the SPI's rules: one store-wide counter that grows by
 * one per transaction that changed something (lease expiries and revocations included). They are
 * cluster-wide, so a fresh etcd starts at 1 and every key prefix shares the counter. etcd keeps
 * every revision until it is compacted; a watch asked for compacted changes fails with
 * {@link CompactedRevisionException}, at once or, when the compaction happened while the store was
 * out of reach, through the watch's compaction handler.
 *
 * <p>Every call has a deadline ({@link Config#timeout()}): when no member answers, or the members
 * have no quorum, it fails with "cluster store unavailable: ENDPOINTS: REASON" instead of waiting.
 * Watches outlive a member's death and a quorum loss: they resume from the last revision they
 * delivered.
 */
public final class EtcdStore implements Store {

    private static final System.Logger LOG = System.getLogger(EtcdStore.class.getName());

    /**
     * How to reach etcd. {@code root} is prepended to every key (a test's own corner of a shared
     * etcd; "" in production), {@code timeout} bounds every call.
     */
    public record Config(EtcdEndpoints endpoints, Optional<EtcdTls> tls, String root, Duration timeout) {
        /** A call waits this long at most before the store calls etcd unavailable. */
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

        public Config {
            Objects.requireNonNull(endpoints, "endpoints");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(root, "root");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }

        public Config(EtcdEndpoints endpoints) {
            this(endpoints, Optional.empty(), "", DEFAULT_TIMEOUT);
        }

        public Config withRoot(String newRoot) {
            return new Config(endpoints, tls, newRoot, timeout);
        }

        public Config withTls(Optional<EtcdTls> newTls) {
            return new Config(endpoints, newTls, root, timeout);
        }
    }

    private final Config config;
    private final Client client;
    private final KV kv;
    // listeners run here, one event at a time, in revision order (the SPI's "store's watch thread")
    private final ExecutorService deliveries;
    // keep-alives and watch resumptions
    private final ScheduledExecutorService timer;
    private final Map<EtcdWatch, Boolean> watches = new ConcurrentHashMap<>();
    private final Map<Long, EtcdLease> leases = new ConcurrentHashMap<>();
    private final TxnMarkers markers = new TxnMarkers();
    // each copy of a write transaction sent goes through this: tests lose an answer here, as a dying member does
    private volatile java.util.function.UnaryOperator<CompletableFuture<TxnResponse>> sent = java.util.function.UnaryOperator.identity();
    private volatile boolean closed;

    private EtcdStore(Config config, Client client) {
        this.config = config;
        this.client = client;
        this.kv = client.getKVClient();
        this.deliveries = Executors.newSingleThreadExecutor(daemon("netmgr-etcd-watch"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("netmgr-etcd-timer"));
    }

    /**
     * Connects and reads the cluster's revision once, so that an unreachable etcd is reported now.
     *
     * @throws StoreException "cluster store unavailable: ..." when no member answers in time
     */
    public static EtcdStore connect(Config config) {
        ClientBuilder builder = Client.builder()
                .endpoints(config.endpoints().uris(config.tls().isPresent()).toArray(String[]::new))
                .connectTimeout(config.timeout())
                // every member in rotation, and a call through a dead one refused at once (then made
                // again through another) rather than queued until that member is back
                .loadBalancerPolicy("round_robin")
                .waitForReady(false)
                // a member without a leader refuses at once ("no leader") instead of holding the
                // request until its own timeout; refused calls are made again until the deadline
                .header("hasleader", "true")
                .retryMaxDuration(config.timeout())
                // one revision may delete any number of keys (a prefix, a lease's expiry) and a watch
                // gets them in one message, which etcd does not split for jetcd: above gRPC's 4 MiB
                // default the watch would fail and resume at the same revision for ever; a range
                // of a large peer table is one message too. Requests stay within etcd's own limit.
                .maxInboundMessageSize(MAX_ANSWER_BYTES)
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(3));
        config.tls().ifPresent(tls -> {
            try {
                builder.sslContext(ssl -> {
                    ssl.trustManager(tls.cacert().toFile());
                    tls.cert().ifPresent(cert -> ssl.keyManager(cert.toFile(), tls.key().orElseThrow().toFile()));
                });
            } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
                throw new StoreException("cluster store " + config.endpoints() + ": the TLS files cannot be used: " + e.getMessage(), e);
            }
        });
        EtcdStore store = new EtcdStore(config, builder.build());
        try {
            store.revision();
            store.sweepMarkers(TxnMarkers.SWEEP_AGE);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The endpoints this store talks to, as the user gave them. */
    public EtcdEndpoints endpoints() {
        return config.endpoints();
    }

    @Override
    public Optional<KeyValue> get(String key) {
        checkOpen();
        GetResponse response = await(() -> kv.get(bytes(config.root() + key)), "reading " + key);
        return response.getKvs().stream().findFirst().map(this::keyValue);
    }

    @Override
    public List<KeyValue> range(String prefix) {
        checkOpen();
        return rawRange(prefix, "reading the keys under " + prefix).stream().map(this::keyValue)
                .filter(kv -> !TxnMarkers.isMarker(kv.key())).toList();
    }

    // every key under prefix as etcd holds it, transaction markers included; what: for the error
    private List<io.etcd.jetcd.KeyValue> rawRange(String prefix, String what) {
        KeyRange range = KeyRange.prefix(config.root() + prefix);
        return await(() -> kv.get(ByteSequence.from(range.from()),
                GetOption.builder().withRange(ByteSequence.from(range.to())).build()), what).getKvs();
    }

    @Override
    public long revision() {
        checkOpen();
        // any key will do: the answer's header carries the revision (etcd takes no empty key)
        GetResponse response = await(() -> kv.get(bytes(config.root() + "\0"), GetOption.builder().withCountOnly(true).build()),
                "reading the revision");
        return response.getHeader().getRevision();
    }

    @Override
    public Txn txn() {
        return new TxnBuilder(this::commit);
    }

    private TxnResult commit(TxnBuilder.Request request) {
        checkOpen();
        EtcdTxnPlan plan = EtcdTxnPlan.of(config.root(), request);
        if (plan.isEmpty() || plan.onlyDeletes() && request.conditions().isEmpty()) {
            // compares only, or unconditional deletes: a repeat changes nothing more (and a marker
            // would count a revision for a transaction that deleted nothing)
            TxnResponse response = await(() -> plan.applyTo(kv.txn()).commit(), "committing a transaction", !plan.isEmpty());
            return new TxnResult(response.isSucceeded(), response.getHeader().getRevision());
        }
        String marker = markers.next();
        // the cleanup rides along only in the room etcd leaves: the plan's own operations and the
        // marker's put come first, and a transaction above --max-txn-ops would be refused whole
        List<String> cleanup = markers.takeFinished(TxnMarkers.MAX_TXN_OPS - 1 - plan.operations());
        plan.mark(marker, cleanup);
        TxnResponse response;
        try {
            response = await(() -> sent.apply(plan.applyTo(kv.txn()).commit()), "committing a transaction", true);
        } catch (RuntimeException e) {
            markers.giveBack(cleanup); // deleting them again later is harmless
            throw e;
        }
        TxnResult result = TxnMarkers.outcome(response.isSucceeded(), response.getHeader().getRevision(),
                response.getGetResponses().stream().flatMap(get -> get.getKvs().stream())
                        .map(io.etcd.jetcd.KeyValue::getModRevision).findFirst());
        if (!response.isSucceeded()) {
            markers.giveBack(cleanup);
        }
        if (result.succeeded()) {
            markers.finished(marker);
        }
        return result;
    }

    /**
     * Deletes the markers under this store's root older than {@code age}: those of daemons killed
     * before their next write deleted them (see {@link TxnMarkers}). Returns how many it deleted.
     */
    int sweepMarkers(Duration age) {
        List<io.etcd.jetcd.KeyValue> markersNow = rawRange(TxnMarkers.PREFIX, "reading the transaction markers");
        long now = System.currentTimeMillis();
        List<ByteSequence> stale = markersNow.stream()
                .filter(marker -> TxnMarkers.stale(marker.getValue().getBytes(), now, age))
                .map(io.etcd.jetcd.KeyValue::getKey).toList();
        // a few per transaction (etcd caps the operations of one); deleting a deleted key again is harmless
        for (int from = 0; from < stale.size(); from += TxnMarkers.CLEANUP_PER_TXN) {
            List<ByteSequence> chunk = stale.subList(from, Math.min(stale.size(), from + TxnMarkers.CLEANUP_PER_TXN));
            await(() -> kv.txn().Then(chunk.stream().map(key -> Op.delete(key, DeleteOption.DEFAULT))
                    .toArray(Op[]::new)).commit(), "deleting stale transaction markers", true);
        }
        if (!stale.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "deleted " + stale.size() + " transaction markers older than " + age.toMinutes()
                    + " min left by daemons stopped with kill -9");
        }
        return stale.size();
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return watch(prefix, afterRevision, listener,
                e -> LOG.log(System.Logger.Level.ERROR, "watch of prefix \"" + prefix + "\" stops: " + e.getMessage()));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener,
            Consumer<CompactedRevisionException> onCompacted) {
        checkOpen();
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(onCompacted, "onCompacted");
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must be >= 0, got " + afterRevision);
        }
        EtcdWatch watch = new EtcdWatch(this, prefix, afterRevision, listener, onCompacted);
        watches.put(watch, Boolean.TRUE);
        try {
            watch.start();
        } catch (RuntimeException e) {
            watch.close();
            throw e;
        }
        return watch;
    }

    @Override
    public Lease grantLease(Duration ttl, Runnable onLost) {
        checkOpen();
        io.etcd.jetcd.lease.LeaseGrantResponse granted = await(() -> client.getLeaseClient().grant(EtcdLease.seconds(ttl)), "granting a lease");
        // etcd may raise a TTL below its minimum (1.5 election timeouts); the answer says what it kept
        return keepAlive(new EtcdLease(this, granted.getID(), Duration.ofSeconds(granted.getTTL()), onLost));
    }

    @Override
    public Optional<Lease> resumeLease(long id, Duration ttl, Runnable onLost) {
        checkOpen();
        long remaining = await(() -> client.getLeaseClient().timeToLive(id, LeaseOption.DEFAULT), "reading lease " + id).getTTL();
        if (remaining <= 0) {
            return Optional.empty();
        }
        EtcdLease lease = keepAlive(new EtcdLease(this, id, Duration.ofSeconds(EtcdLease.seconds(ttl)), onLost));
        lease.refresh();
        return lease.alive() ? Optional.of(lease) : Optional.empty();
    }

    @Override
    public java.util.Set<String> keysUnder(long id) {
        checkOpen();
        var alive = await(() -> client.getLeaseClient().timeToLive(id, LeaseOption.builder().withAttachedKeys().build()),
                "reading the keys of lease " + id);
        return alive.getKeys().stream().map(key -> key.toString(StandardCharsets.UTF_8))
                .filter(key -> key.startsWith(config.root())).map(key -> key.substring(config.root().length()))
                .filter(key -> !TxnMarkers.isMarker(key)).collect(java.util.stream.Collectors.toSet());
    }

    private EtcdLease keepAlive(EtcdLease lease) {
        EtcdLease previous = leases.put(lease.id(), lease);
        if (previous != null) {
            previous.stopKeepAlive();
        }
        lease.schedule(timer);
        return lease;
    }

    /**
     * Stops keeping lease {@code id} alive without revoking it, as if this holder died: etcd
     * expires it a TTL later. A test hook, as {@code MemoryStore.stopKeepAlive}.
     */
    public void stopKeepAlive(long id) {
        EtcdLease lease = leases.remove(id);
        if (lease != null) {
            lease.stopKeepAlive();
        }
    }

    /**
     * Compacts etcd's history up to {@code revision}: watches asked for older changes fail with
     * {@link CompactedRevisionException}. etcd is usually left to compact itself
     * ({@code --auto-compaction-retention}); tests call this.
     */
    public void compact(long revision) {
        checkOpen();
        await(() -> kv.compact(revision), "compacting to revision " + revision);
    }

    /** A test hook: every copy of a write transaction sent is passed through {@code hook}, which may lose its answer. */
    void onWriteSent(java.util.function.UnaryOperator<CompletableFuture<TxnResponse>> hook) {
        this.sent = hook;
    }

    /** Stops the keep-alives (without revoking: a restarted holder resumes its leases) and the watches. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        leases.values().forEach(EtcdLease::stopKeepAlive);
        leases.clear();
        List.copyOf(watches.keySet()).forEach(EtcdWatch::close);
        timer.shutdownNow();
        deliveries.shutdown();
        client.close();
    }

    // ---- used by the store's watches and leases

    Client client() {
        return client;
    }

    String root() {
        return config.root();
    }

    Duration timeout() {
        return config.timeout();
    }

    ExecutorService deliveries() {
        return deliveries;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    boolean isClosed() {
        return closed;
    }

    void forget(EtcdWatch watch) {
        watches.remove(watch);
    }

    void forget(EtcdLease lease) {
        leases.remove(lease.id(), lease);
    }

    KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(config.root().length());
        return new KeyValue(key, kv.getValue().getBytes(), kv.getCreateRevision(), kv.getModRevision(), kv.getVersion());
    }

    static ByteSequence bytes(String key) {
        return ByteSequence.from(KeyRange.bytes(key));
    }

    <T> T await(Supplier<CompletableFuture<T>> call, String what) {
        return await(call, what, false);
    }

    /**
     * Makes {@code call} and waits for it within the store's deadline, turning etcd's failures into
     * the SPI's: unreachable or without quorum becomes "cluster store unavailable: ...".
     *
     * <p>One dead member stays unseen: a call refused at once (the member is down, or has no
     * leader yet) is made again after a short pause, and a call left unanswered for a part of the
     * deadline is made again too, since the first request on a connection to a member that just
     * died is never answered (seen with jetcd 0.8.7), and a request forwarded to a leader that
     * died is dropped. Reads are safe to repeat. A write ({@code write}: a transaction, guarded
     * by its marker, see {@link TxnMarkers}) is too: a repeat of one that applied does not apply
     * again and its answer says it had. When no copy of a write is answered by the deadline, its
     * outcome cannot be known and the error says so.
     */
    <T> T await(Supplier<CompletableFuture<T>> call, String what, boolean write) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        boolean sentUnanswered = false; // a copy of a write may have been applied
        while (true) {
            CompletableFuture<T> attempt = call.get();
            long remaining = Math.max(1, deadline - System.nanoTime());
            long wait = Math.min(remaining, ATTEMPT.toNanos());
            try {
                return attempt.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                attempt.cancel(true);
                sentUnanswered = true;
                if (wait >= remaining) {
                    throw unavailable(outcome(write, sentUnanswered)
                            + "no answer within " + config.timeout().toMillis() + " ms while " + what, e);
                }
            } catch (InterruptedException e) {
                attempt.cancel(true);
                Thread.currentThread().interrupt();
                throw new StoreException("interrupted while " + what + " in the cluster store " + config.endpoints(), e);
            } catch (ExecutionException e) {
                boolean refused = refusedAtOnce(e.getCause());
                StoreException failure = failure(e.getCause(), what);
                // a call lost in transit (connection closed, deadline, cancelled) is as safe to repeat as a refused one
                boolean repeatable = refused || lostInTransit(e.getCause());
                sentUnanswered |= !refused;
                if (!repeatable || System.nanoTime() + RETRY_PAUSE.toNanos() >= deadline) {
                    if ((repeatable || failure instanceof StoreException.Unavailable) && write && sentUnanswered) {
                        throw unavailable(outcome(true, true) + e.getCause().getMessage() + " (while " + what + ")", e.getCause());
                    }
                    throw failure;
                }
                pause();
            }
        }
    }

    private static String outcome(boolean write, boolean sentUnanswered) {
        return write && sentUnanswered ? "outcome unknown (the transaction may have been applied; read before trying again): " : "";
    }

    /** The largest answer taken from etcd (a range, a watch's revision); EtcdStoreIT reads ~7 MB. */
    static final int MAX_ANSWER_BYTES = 512 * 1024 * 1024;

    // longer than an election with etcd's default timings, so a repeated read finds the new leader
    private static final Duration ATTEMPT = Duration.ofMillis(1500);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    // UNAVAILABLE (from etcd, or from gRPC when the connection to that member is refused): not applied
    private static boolean refusedAtOnce(Throwable cause) {
        return cause instanceof EtcdException etcd && etcd.getErrorCode() == io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE
                || io.grpc.Status.fromThrowable(cause).getCode() == io.grpc.Status.Code.UNAVAILABLE;
    }

    // the call may or may not have reached a member (and a write been applied): safe to repeat a read or a marked write
    private static boolean lostInTransit(Throwable cause) {
        if (cause instanceof EtcdException etcd) {
            return switch (etcd.getErrorCode()) {
                case UNKNOWN, DEADLINE_EXCEEDED, CANCELLED, ABORTED -> true;
                default -> false;
            };
        }
        return switch (io.grpc.Status.fromThrowable(cause).getCode()) {
            case UNKNOWN, DEADLINE_EXCEEDED, CANCELLED, ABORTED -> true;
            default -> false;
        };
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the cluster store", e);
        }
    }

    StoreException failure(Throwable cause, String what) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("lease not found")) {
            return new StoreException("the lease has expired or was revoked (" + what + "); put the key under a new lease", cause);
        }
        if (cause instanceof EtcdException etcd) {
            switch (etcd.getErrorCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED -> {
                    return unavailable(message + " (while " + what + ")", cause);
                }
                default -> {
                }
            }
        }
        if (message.contains("no leader") || message.contains("timed out") || message.contains("UNAVAILABLE")) {
            return unavailable(message + " (while " + what + ")", cause);
        }
        return new StoreException("cluster store " + config.endpoints() + ": " + what + " failed: " + message, cause);
    }

    private StoreException unavailable(String reason, Throwable cause) {
        return new StoreException.Unavailable("cluster store unavailable: " + config.endpoints() + ": " + reason, cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store is closed");
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
