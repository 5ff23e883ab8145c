package io.netmgr.bench;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.Store;
import io.netmgr.store.etcd.EtcdEndpoints;
import io.netmgr.store.etcd.EtcdStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.event.EventSubscription;
import io.netmgr.netlink.event.NetlinkEvent;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.overlay.OverlayDriver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Overlay convergence: two hosts (namespaces on an underlay bridge) with their controllers in
 * this process sharing an in-memory cluster store, as OverlayIT runs them. For each of N
 * endpoints, the time from the start of the calls that create and join it on host A to both its
 * FDB and its neighbour entry present on host B's VXLAN device, as B's kernel announces them
 * (a netlink neighbour subscription in B's namespace); warm (A already on the network) and cold
 * (A's first endpoint of a new network, B already on it); then removal (A deletes the endpoint
 * until B's FDB entry is gone). Prints p50/p99 in ms.
 */
public final class OverlayConvergence {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** What a run measures: its third argument. */
    enum Part {
        CONVERGENCE, THROUGHPUT, BOTH;

        static Part of(String word) {
            return switch (word) {
                case "convergence" -> CONVERGENCE;
                case "throughput" -> THROUGHPUT;
                case "both" -> BOTH;
                default -> throw new IllegalArgumentException("the third argument says what to measure: convergence, throughput"
                        + " or both, not '" + word + "'");
            };
        }
    }

    /**
     * Arguments: [endpoints (200)] [cold rounds (50)] [convergence|throughput|both]; the last
     * defaults to both, or to throughput alone with 0 endpoints.
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int cold = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Part part = args.length > 2 ? Part.of(args[2]) : n > 0 ? Part.BOTH : Part.THROUGHPUT;
        if (part != Part.THROUGHPUT && n <= 0) {
            throw new IllegalArgumentException("measuring the convergence needs 1 endpoint or more, got " + n);
        }
        String tag = Long.toHexString(ProcessHandle.current().pid());
        List<NetNs> made = new ArrayList<>();
        // -Dnetmgr.bench.etcd=HOST:PORT,... : the cluster store is that etcd, else one in memory
        Optional<String> etcd = Optional.ofNullable(System.getProperty("netmgr.bench.etcd"));
        Store cluster = etcd.<Store>map(endpoints -> EtcdStore.connect(new EtcdStore.Config(EtcdEndpoints.parse("etcd://" + endpoints))
                .withRoot("/bench-" + tag))).orElseGet(MemoryStore::new);
        NetNs underlay = underlay("nmb-ul-" + tag, made);
        Host a = new Host(create("nmb-ha-" + tag, made), "198.51.100.1", underlay, 1, cluster);
        Host b = new Host(create("nmb-hb-" + tag, made), "198.51.100.2", underlay, 2, cluster);
        Map<String, long[]> seen = new ConcurrentHashMap<>(); // mac or ip -> {nanoTime added, nanoTime removed}
        try (EventSubscription watch = EventSubscription.openNeighbours(b.ns, e -> record(e, seen))) {
            System.out.printf("overlay convergence, %d endpoints warm, %d cold; cluster store %s; %d cores, load %s%n", n, cold,
                    etcd.map(e -> "a 3-member etcd on loopback (" + e + ")").orElse("in memory (no etcd round trips)"),
                    Runtime.getRuntime().availableProcessors(), load());
            Network net = a.c.createNetwork(NetworkConfig.of("ovb", "overlay").withIpam(IpamConfig.of(IpPrefix.parse("10.90.0.0/16"))));
            a.attach(net, "a-first");
            b.attach(net, "b-first");
            if (part != Part.THROUGHPUT) {
                convergence(a, b, net, n, cold, seen);
            }
            if (part != Part.CONVERGENCE) {
                throughput(underlay, a, b, net, tag, made);
            }
            for (Sandbox s : a.c.sandboxes()) {
                a.c.deleteSandbox(s.id());
            }
            for (Sandbox s : b.c.sandboxes()) {
                b.c.deleteSandbox(s.id());
            }
        } finally {
            tearDown(cluster, made, a, b);
        }
    }

    /** A namespace {@code name} holding the underlay bridge {@code ul0}, up. */
    static NetNs underlay(String name, List<NetNs> made) {
        NetNs underlay = create(name, made);
        try (NetlinkHandle u = NetlinkHandle.open(underlay)) {
            u.links().add(Bridge.named("ul0"));
            u.links().setUp("ul0");
        }
        return underlay;
    }

    /** Closes the hosts and the cluster store, then deletes every namespace made. */
    static void tearDown(Store cluster, List<NetNs> made, Host... hosts) {
        for (Host h : hosts) {
            h.close();
        }
        cluster.close();
        deleteNamespaces(made);
    }

    /** Deletes every namespace made (by the name it was made with), after closing its handle. */
    static void deleteNamespaces(List<NetNs> made) {
        for (NetNs ns : made) {
            String name = ns.path().getFileName().toString();
            ns.close();
            NetNs.delete(name);
        }
    }

    /** Warm, cold and removal convergence, as the class comment says; prints the figures. */
    private static void convergence(Host a, Host b, Network net, int n, int cold, Map<String, long[]> seen) throws InterruptedException {
        List<Sandbox> sandboxes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sandboxes.add(a.c.createSandbox("w" + i));
        }
        long[] warm = new long[n];
        List<Endpoint> endpoints = new ArrayList<>();
        CountingStore.Counts reqA = CountingStore.Counts.NONE;
        CountingStore.Counts reqB = reqA;
        for (int i = 0; i < n; i++) {
            CountingStore.Counts a0 = a.requests.counts(), b0 = b.requests.counts();
            long t0 = System.nanoTime();
            Endpoint e = a.c.join(a.c.createEndpoint(net.id(), EndpointConfig.named("w" + i)).id(), sandboxes.get(i).id());
            warm[i] = until(seen, e, t0, false) - t0;
            reqA = reqA.plus(a.requests.counts().minus(a0));
            reqB = reqB.plus(b.requests.counts().minus(b0));
            endpoints.add(e);
        }
        System.out.printf("cluster store requests per warm create+join (mean of %d): on A %.1f key reads, %.1f range reads, %.1f transactions;"
                + " on B until its entries are in: %.1f / %.1f / %.1f%n", n, (double) reqA.gets() / n, (double) reqA.ranges() / n,
                (double) reqA.txns() / n, (double) reqB.gets() / n, (double) reqB.ranges() / n, (double) reqB.txns() / n);
        long[] removal = new long[n];
        for (int i = 0; i < n; i++) {
            Endpoint e = endpoints.get(i);
            long t0 = System.nanoTime();
            a.c.deleteEndpoint(e.id());
            removal[i] = until(seen, e, t0, true) - t0;
        }
        for (Sandbox s : sandboxes) {
            a.c.deleteSandbox(s.id());
        }
        long[] coldTimes = new long[cold];
        for (int i = 0; i < cold; i++) {
            Network c = a.c.createNetwork(NetworkConfig.of("ovc" + i, "overlay").withIpam(IpamConfig.of(IpPrefix.parse("10.91." + i + ".0/24"))));
            Sandbox onB = b.c.createSandbox("cb" + i);
            b.c.join(b.c.createEndpoint(c.id(), EndpointConfig.named("cb" + i)).id(), onB.id());
            Sandbox onA = a.c.createSandbox("ca" + i);
            long t0 = System.nanoTime();
            Endpoint e = a.c.join(a.c.createEndpoint(c.id(), EndpointConfig.named("ca" + i)).id(), onA.id());
            coldTimes[i] = until(seen, e, t0, false) - t0;
            a.c.deleteSandbox(onA.id());
            b.c.deleteSandbox(onB.id());
            a.c.deleteNetwork(c.id());
        }
        print("warm: create+join on A -> FDB and neighbour entries on B", warm);
        print("cold: A's first endpoint of the network -> entries on B", coldTimes);
        print("removal: delete on A -> FDB entry gone on B", removal);
        System.out.printf("RESULT warm_p50_ms=%.2f warm_p99_ms=%.2f cold_p50_ms=%.2f cold_p99_ms=%.2f removal_p50_ms=%.2f removal_p99_ms=%.2f%n",
                pct(warm, 50), pct(warm, 99), pct(coldTimes, 50), pct(coldTimes, 99), pct(removal, 50), pct(removal, 99));
    }

    /** One host: a namespace on the underlay, registered in the cluster, with its controller. */
    static final class Host implements AutoCloseable {
        final NetNs ns;
        final HostRegistry registry;
        final NetworkController c;
        private final io.netmgr.core.firewall.Firewall firewall;
        /** This host's requests to the cluster store. */
        final CountingStore requests;

        Host(NetNs ns, String address, NetNs underlay, int n, Store shared) {
            this(ns, address, underlay, n, shared, false);
        }

        /** With {@code firewall}, the controller has nftables in its namespace (services need it). */
        Host(NetNs ns, String address, NetNs underlay, int n, Store shared, boolean firewall) {
            this.ns = ns;
            this.requests = new CountingStore(shared);
            Store cluster = requests;
            try (NetlinkHandle u = NetlinkHandle.open(underlay); NetlinkHandle h = NetlinkHandle.open(ns)) {
                u.links().add(new Veth(LinkAttrs.named("ul" + n).withMaster(u.links().get("ul0").index()).withUp(true), "eth0", ns, null));
                h.addresses().add(Address.of(h.links().get("eth0").index(), new IpNet(IpAddress.parse(address), 24)));
                h.links().setUp("eth0");
            }
            MemoryStore local = new MemoryStore();
            registry = HostRegistry.join(cluster, local, "bench-host-" + n, "bench-" + n, address, "bench", HostRegistry.DEFAULT_LEASE_TTL);
            this.firewall = firewall ? io.netmgr.nat.Firewalls.open(io.netmgr.nat.Firewalls.Backend.NFTABLES, ns) : null;
            var builder = NetworkController.builder(ns, local, new DefaultIpam(local, List::of, DefaultPools.forThisHost()),
                            new DriverRegistry().register(new OverlayDriver()));
            if (this.firewall != null) {
                builder.firewall(this.firewall);
            }
            c = builder.sandboxRunDir(NetNs.DEFAULT_RUN_DIR)
                    .clusterStore(cluster, new DefaultIpam(cluster, List::of, DefaultPools.cluster(IpPrefix.parse("fd90::/48"))))
                    .hostId(registry.hostId()).advertiseAddress(IpAddress.parse(address)).hostLease(registry::lease).build();
            registry.addListener(c.clusterListener());
        }

        void attach(Network net, String name) {
            Sandbox s = c.createSandbox(name);
            c.join(c.createEndpoint(net.id(), EndpointConfig.named(name)).id(), s.id());
        }

        @Override
        public void close() {
            c.close();
            registry.close();
            if (firewall != null) {
                firewall.removeAll();
                firewall.close();
            }
        }
    }

    private static void record(NetlinkEvent e, Map<String, long[]> seen) {
        long now = System.nanoTime();
        String key;
        boolean removed;
        if (e instanceof NetlinkEvent.FdbChanged f && f.entry().destination() != null) {
            key = f.entry().mac().toString();
            removed = f.removed();
        } else if (e instanceof NetlinkEvent.NeighbourChanged nc && nc.neighbour().isPermanent()) {
            key = IpAddress.of(nc.neighbour().ip()).toString();
            removed = nc.removed();
        } else {
            return;
        }
        long[] times = seen.computeIfAbsent(key, k -> new long[2]);
        times[removed ? 1 : 0] = now;
    }

    /** When B's kernel announced {@code e}'s entries (added: both FDB and neighbour; removed: the FDB entry), after {@code t0}. */
    private static long until(Map<String, long[]> seen, Endpoint e, long t0, boolean removed) throws InterruptedException {
        String mac = MacAddress.parse(e.mac()).toString();
        String ip = e.ips().get(0).toString();
        long deadline = t0 + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            long[] m = seen.get(mac);
            long[] i = seen.get(ip);
            if (removed && m != null && m[1] > t0) {
                return m[1];
            }
            if (!removed && m != null && i != null && m[0] > t0 && i[0] > t0) {
                return Math.max(m[0], i[0]);
            }
            Thread.sleep(0, 200_000); // the time is the event's, taken by the subscription: this wait only lets it run
        }
        throw new IllegalStateException("B's entries for endpoint " + e.name() + " not seen within 30 s");
    }

    /** iperf3 TCP between a container on A and one on B over netmgr's overlay, beside what the kernel alone gives (OverlayThroughput). */
    private static void throughput(NetNs underlay, Host a, Host b, Network net, String tag, List<NetNs> made) throws Exception {
        Sandbox sa = a.c.createSandbox("tput-a");
        Sandbox sb = b.c.createSandbox("tput-b");
        a.c.join(a.c.createEndpoint(net.id(), EndpointConfig.named("tput-a")).id(), sa.id());
        Endpoint eb = b.c.join(b.c.createEndpoint(net.id(), EndpointConfig.named("tput-b")).id(), sb.id());
        OverlayThroughput.measure(underlay.path().getFileName().toString(), a.ns.path().getFileName().toString(), "198.51.100.1", b.ns.path().getFileName().toString(), "198.51.100.2",
                new OverlayThroughput.Path("netmgr: container A -> container B on netmgr's overlay", sb.path().getFileName().toString(),
                        sa.path().getFileName().toString(), eb.ips().get(0).toString()), tag, made);
    }

    static NetNs create(String name, List<NetNs> made) {
        NetNs ns = NetNs.create(name);
        made.add(ns);
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().setUp("lo");
        }
        return ns;
    }

    static void print(String what, long[] nanos) {
        System.out.printf("%-60s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (n=%d)%n", what, pct(nanos, 50), pct(nanos, 99),
                pct(nanos, 100), nanos.length);
    }

    static double pct(long[] nanos, int p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    static String load() throws java.io.IOException {
        return String.join(" ", java.util.Arrays.copyOf(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" "), 3));
    }
}
