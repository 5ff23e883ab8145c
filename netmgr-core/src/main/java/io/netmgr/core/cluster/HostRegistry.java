package io.netmgr.core.cluster;

import io.netmgr.core.store.CompactedRevisionException;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoreException;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This host's membership of the cluster, and everyone else's. The host is registered under a
 * lease the cluster store keeps alive: {@code /netmgr/hosts/<hostId>} lives as long as the lease,
 * so when a host dies its record (and every other key it put under its lease, such as its peers)
 * goes at once, a TTL after its last keep-alive, and every other host is told. A permanent
 * {@code /netmgr/members/<hostId>} remembers the hosts that joined, so a dead one is listed as down.
 *
 * <p>The lease id is kept in the local (embedded) store: a daemon restarted within the TTL resumes
 * its lease, and nobody sees it go. A host cut off from the store for longer than
 * the TTL loses its lease; it registers again as soon as the store answers, and tells its
 * listeners to {@link HostListener#resync() resync}.
 */
public final class HostRegistry implements AutoCloseable {

    /**
     * The default TTL: etcd expires a dead host's lease 2 s after its last keep-alive (sent every
     * third of the TTL), and checks expiries every 0.5 s, so every other host learns of a death in
     * 1.3 to 2.5 s, under the 3 s goal; a lower TTL is below etcd's minimum with its default
     * election timeout.
     */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(2);
    public static final String HOSTS = "/netmgr/hosts/";
    public static final String MEMBERS = "/netmgr/members/";
    // a local key: the overlay's ScopedStore sends /netmgr/cluster/ keys to the cluster store
    static final String LOCAL_LEASE = "/netmgr/host/cluster-lease";

    private static final System.Logger LOG = System.getLogger(HostRegistry.class.getName());

    private final Store cluster;
    private final Store local;
    private final Duration ttl;
    private final Clock clock;
    private final List<HostListener> listeners = new CopyOnWriteArrayList<>();
    // listener calls, re-registration and resyncs: one thread, in order
    private final ScheduledExecutorService worker;
    // hosts whose record this host has seen alive; only the worker thread touches it
    private final Map<String, HostInfo> known = new HashMap<>();
    private volatile HostInfo self;
    private volatile Lease lease;
    private volatile Watch watch;
    private volatile boolean closed;

    private HostRegistry(Store cluster, Store local, HostInfo self, Duration ttl, Clock clock) {
        this.cluster = cluster;
        this.local = local;
        this.self = self;
        this.ttl = ttl;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netmgr-host-registry");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers this host in {@code cluster} (resuming its lease if it restarted within the TTL) and
     * starts following the other hosts.
     *
     * @param local  the host's embedded store, which keeps its lease id
     * @param hostId the host's lasting id (the same after a restart)
     * @throws StoreException when the cluster store cannot be reached
     */
    public static HostRegistry join(Store cluster, Store local, String hostId, String hostname, String advertiseAddress,
            String version, Duration ttl, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the cluster lease TTL must be positive, got " + ttl);
        }
        HostInfo self = new HostInfo(hostId, hostname, advertiseAddress, clock.instant().toString(), version);
        HostRegistry registry = new HostRegistry(cluster, local, self, ttl, clock);
        try {
            registry.register(true);
            registry.follow();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    public static HostRegistry join(Store cluster, Store local, String hostId, String hostname, String advertiseAddress,
            String version, Duration ttl) {
        return join(cluster, local, hostId, hostname, advertiseAddress, version, ttl, Clock.systemUTC());
    }

    public String hostId() {
        return self.hostId();
    }

    public HostInfo self() {
        return self;
    }

    /** The lease this host's records live under now; a new one after a {@link HostListener#resync()}. */
    public Lease lease() {
        return lease;
    }

    public Duration ttl() {
        return ttl;
    }

    /** Adds {@code listener}, which is first told of every other host alive now ({@link HostListener#hostUp}). */
    public void addListener(HostListener listener) {
        worker.execute(() -> {
            listeners.add(listener);
            known.forEach((id, info) -> {
                if (!id.equals(hostId())) {
                    call(() -> listener.hostUp(info));
                }
            });
        });
    }

    /**
     * Every host that ever joined, alive or down, this one marked; ordered by hostname, then id.
     *
     * @throws StoreException when the cluster store cannot be reached
     */
    public List<ClusterHost> hosts() {
        Map<String, HostInfo> alive = new HashMap<>();
        cluster.range(HOSTS).forEach(kv -> alive.put(kv.key().substring(HOSTS.length()), HostInfo.decode(kv.value())));
        Map<String, HostInfo> all = new HashMap<>();
        members(cluster).forEach(info -> all.put(info.hostId(), info));
        all.putAll(alive);
        List<ClusterHost> hosts = new ArrayList<>();
        all.forEach((id, info) -> hosts.add(new ClusterHost(info, alive.containsKey(id), id.equals(hostId()))));
        hosts.sort(Comparator.comparing((ClusterHost h) -> h.info().hostname()).thenComparing(h -> h.info().hostId()));
        return hosts;
    }

    /**
     * Every host that joined the cluster on {@code cluster} and was not forgotten ({@code node rm}), as it registered.
     *
     * @throws StoreException when the cluster store cannot be reached
     */
    public static List<HostInfo> members(Store cluster) {
        return cluster.range(MEMBERS).stream().map(kv -> HostInfo.decode(kv.value())).toList();
    }

    /**
     * {@link #hosts()} by host id: the advertise address and liveness of the host a record names.
     *
     * @throws StoreException when the cluster store cannot be reached
     */
    public HostsById hostsById() {
        return new HostsById(hosts());
    }

    /**
     * Forgets the host {@code ref} names (id, unique id prefix or hostname) if it is down: its
     * membership and its endpoints' records ({@link HostRemoval}). Returns it.
     *
     * @throws io.netmgr.core.NetmgrException naming the host when it is alive, or unknown
     */
    public HostInfo remove(String ref) {
        return HostRemoval.remove(cluster, hosts(), ref);
    }

    /** The prefix under which host {@code hostId}'s records of its endpoints on global networks live. */
    public static String recordsOf(String hostId) {
        return HostRemoval.recordsOf(hostId);
    }

    private void register(boolean mayResume) {
        Optional<Lease> resumed = Optional.empty();
        if (mayResume) {
            Optional<Long> previous = local.get(LOCAL_LEASE).map(kv -> Long.parseLong(kv.valueAsString()));
            if (previous.isPresent()) {
                resumed = cluster.resumeLease(previous.get(), ttl, this::leaseLost);
            }
        }
        Lease current = resumed.orElseGet(() -> cluster.grantLease(ttl, this::leaseLost));
        HostInfo info = self.startedNow(clock.instant());
        try {
            cluster.txn().put(HOSTS + info.hostId(), info.encode(), current).put(MEMBERS + info.hostId(), info.encode()).commit();
        } catch (RuntimeException e) {
            if (resumed.isEmpty()) {
                closeQuietly(current);
            }
            throw e;
        }
        local.txn().put(LOCAL_LEASE, String.valueOf(current.id()).getBytes(StandardCharsets.UTF_8)).commit();
        self = info;
        lease = current;
        LOG.log(System.Logger.Level.INFO, (resumed.isPresent() ? "resumed" : "registered") + " host " + info.hostId()
                + " (" + info.advertiseAddress() + ") in the cluster under lease " + current.id() + ", TTL " + current.ttl());
    }

    // on the store's thread: the lease expired while the store was out of reach
    private void leaseLost() {
        if (!closed) {
            worker.execute(this::registerAgain);
        }
    }

    private void registerAgain() {
        if (closed) {
            return;
        }
        try {
            register(false);
        } catch (StoreException e) {
            long retry = Math.max(100, ttl.toMillis() / 3);
            LOG.log(System.Logger.Level.WARNING, "registering again in the cluster failed, retrying in " + retry + " ms: " + e.getMessage());
            worker.schedule(this::registerAgain, retry, TimeUnit.MILLISECONDS);
            return;
        }
        listeners.forEach(l -> call(() -> l.resync()));
    }

    // reads the hosts, tells listeners what changed since the last read, and watches from there on
    private void follow() {
        long revision = cluster.revision();
        Map<String, HostInfo> now = new HashMap<>();
        cluster.range(HOSTS).forEach(kv -> now.put(kv.key().substring(HOSTS.length()), HostInfo.decode(kv.value())));
        worker.execute(() -> {
            for (Map.Entry<String, HostInfo> gone : new HashMap<>(known).entrySet()) {
                if (!now.containsKey(gone.getKey())) {
                    gone(gone.getKey(), gone.getValue());
                }
            }
            now.forEach(this::up);
        });
        watch = cluster.watch(HOSTS, revision, event -> worker.execute(() -> onEvent(event)),
                compacted -> worker.execute(this::resyncAfterCompaction));
    }

    private void onEvent(WatchEvent event) {
        String id = event.kv().key().substring(HOSTS.length());
        HostInfo info = HostInfo.decode(event.kv().value());
        if (event.type() == WatchEvent.Type.PUT) {
            up(id, info);
        } else {
            gone(id, info);
        }
    }

    private void up(String id, HostInfo info) {
        HostInfo before = known.put(id, info);
        if (before == null && !id.equals(hostId())) {
            listeners.forEach(l -> call(() -> l.hostUp(info)));
        }
    }

    private void gone(String id, HostInfo info) {
        if (known.remove(id) != null && !id.equals(hostId())) {
            LOG.log(System.Logger.Level.INFO, "host " + id + " (" + info.advertiseAddress() + ") is down: its lease ended");
            listeners.forEach(l -> call(() -> l.hostGone(info)));
        }
    }

    private void resyncAfterCompaction() {
        if (closed) {
            return;
        }
        try {
            follow();
        } catch (StoreException e) {
            worker.schedule(this::resyncAfterCompaction, Math.max(100, ttl.toMillis() / 3), TimeUnit.MILLISECONDS);
            return;
        }
        worker.execute(() -> listeners.forEach(l -> call(() -> l.resync())));
    }

    private void call(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a cluster host listener failed", e);
        }
    }

    private static void closeQuietly(Lease lease) {
        try {
            lease.close();
        } catch (RuntimeException e) {
            // it expires by itself within its TTL
        }
    }

    /**
     * Stops following the cluster. The lease is left to the store: a daemon that stops closes the
     * store, which stops the keep-alives without revoking, so a restart within the TTL resumes it.
     */
    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
        worker.shutdownNow();
    }
}
