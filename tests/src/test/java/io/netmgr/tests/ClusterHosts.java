package io.netmgr.tests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.ns.Underlay;
import io.netmgr.store.etcd.EtcdCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Several hosts for one test class: an underlay namespace holding bridge {@code ul0}, and per host
 * a namespace playing it, joined to the underlay by a veth whose end {@code eth0} holds
 * 198.51.100.N/24; a real three-member etcd on loopback; and per host the built {@code netmgrd}
 * with {@code --host-netns}, its own socket and state dir, {@code --cluster-store} and
 * {@code --advertise-addr}. Afterwards every daemon is stopped (by the pid it started), etcd
 * stopped and removed, and every namespace deleted, passed or not.
 */
final class ClusterHosts implements BeforeAllCallback, AfterAllCallback {
    static final String UNDERLAY_PREFIX = "198.51.100.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int count;
    private final Map<Integer, List<String>> extraArgs;
    private final boolean tls;
    private final TestNamespaces netns = new TestNamespaces();
    final EtcdCluster etcd;
    final List<Host> hosts = new ArrayList<>();
    private Path dir;
    private Underlay underlay;

    /** {@code count} hosts; host N (from 1) gets {@code extraArgs.get(N)} on its netmgrd command line too. */
    ClusterHosts(int count, Map<Integer, List<String>> extraArgs) {
        this(count, extraArgs, false);
    }

    private ClusterHosts(int count, Map<Integer, List<String>> extraArgs, boolean tls) {
        this.count = count;
        this.extraArgs = extraArgs;
        this.tls = tls;
        // over TLS one member is enough: what is tested is the client side of every daemon
        this.etcd = tls ? EtcdCluster.members(1).withTls() : EtcdCluster.members(3);
    }

    /**
     * {@code count} hosts on an etcd that serves TLS only and requires client certificates; each
     * netmgrd is given {@code --cluster-cacert}, {@code --cluster-cert} and {@code --cluster-key}.
     */
    static ClusterHosts overTls(int count) {
        return new ClusterHosts(count, Map.of(), true);
    }

    /** The flags a netmgrd needs for this cluster's etcd: its URL, and over TLS the CA, certificate and key. */
    List<String> storeArgs() {
        List<String> args = new ArrayList<>(List.of("--cluster-store", etcd.url()));
        if (tls) {
            args.addAll(List.of("--cluster-cacert", etcd.tls().cacert().toString(), "--cluster-cert",
                    etcd.tls().cert().orElseThrow().toString(), "--cluster-key", etcd.tls().key().orElseThrow().toString()));
        }
        return args;
    }

    /** One host: its namespace, underlay address and daemon. */
    final class Host {
        final int number;
        final NetNs ns;
        final IpAddress address;
        final Path home;
        DaemonProcess daemon;

        Host(int number, NetNs ns, IpAddress address, Path home) {
            this.number = number;
            this.ns = ns;
            this.address = address;
            this.home = home;
        }

        /** Starts (or starts again, on its state dir) this host's netmgrd in the cluster. */
        void start() throws IOException, InterruptedException {
            start(Map.of());
        }

        /** Starts this host's netmgrd with {@code environment} added (NETMGR_OPTS=-Dnetmgr.crashAt=...). */
        void start(Map<String, String> environment) throws IOException, InterruptedException {
            List<String> args = new ArrayList<>(storeArgs());
            args.addAll(List.of("--advertise-addr", address.toString()));
            args.addAll(extraArgs.getOrDefault(number, List.of()));
            daemon = new DaemonProcess(home, ns.path().toString(), environment, args).start();
        }

        /** {@code netmgr node ls --format json} run on this host, as a user would. */
        JsonNode nodes() throws IOException, InterruptedException {
            Distribution.Result r = Distribution.run(Distribution.HOME.resolve("bin/netmgr"), Map.of("NETMGR_HOST", daemon.host()),
                    "node", "ls", "--format", "json");
            if (r.exit() != 0) {
                throw new AssertionError("netmgr node ls on host " + number + " exited " + r.exit() + ": " + r.err());
            }
            return JSON.readTree(r.out());
        }

        /** The status ("alive", "down") host {@code other} has in this host's {@code node ls}, or "absent". */
        String statusOf(Host other) throws IOException, InterruptedException {
            for (JsonNode n : nodes()) {
                if (n.path("advertiseAddress").asText().equals(other.address.toString())) {
                    return n.path("status").asText();
                }
            }
            return "absent";
        }
    }

    /**
     * A namespace on the underlay that is no host of the cluster, at 198.51.100.{@code 100 + n}:
     * a client from outside (removed with the hosts).
     */
    NetNs outside(int n) {
        NetNs ns = netns.create("clo" + n);
        underlay.attach(100 + n, ns, IpAddress.parse(UNDERLAY_PREFIX + (100 + n)));
        return ns;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(TestNamespaces.isRoot(), "needs root: creates network namespaces");
        String reason = EtcdCluster.unusableReason();
        assumeTrue(reason.isEmpty(), reason);
        try {
            dir = Files.createTempDirectory("netmgr-cluster-");
            etcd.start();
            underlay = Underlay.in(netns.create("clu"));
            for (int n = 1; n <= count; n++) {
                NetNs ns = netns.create("clh" + n);
                IpAddress address = IpAddress.parse(UNDERLAY_PREFIX + n);
                underlay.attach(n, ns, address);
                Host host = new Host(n, ns, address, Files.createDirectories(dir.resolve("host" + n)));
                hosts.add(host);
                host.start();
            }
        } catch (Exception | Error e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception first = null;
        for (Host h : hosts) {
            try {
                if (h.daemon != null) {
                    h.daemon.close();
                }
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        hosts.clear();
        etcd.close();
        try {
            netns.afterEach(context); // the hosts' links go with their namespaces
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
        if (first != null) {
            throw first;
        }
    }
}
