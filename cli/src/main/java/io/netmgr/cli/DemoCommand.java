package io.netmgr.cli;

import io.netmgr.client.DaemonClient;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main job: netmgrd started on the embedded store in a temp dir, bound to a fresh
 * namespace that plays the host, then driven by the very CLI commands a user types (each shown
 * before its output): a network, two sandboxes, a published port; TCP between the sandboxes and
 * through the published port; a service of three tasks; then everything removed, the daemon
 * stopped (SIGTERM, by its pid) and the namespace deleted, also on failure. The machine's own
 * interfaces and rules are never touched. With {@code --hosts N}, the same across N namespaces
 * playing hosts of a cluster ({@link ClusterDemo}).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start netmgrd (embedded store, temp dir, a namespace playing the host) and show netmgr working "
                + "through the CLI: a network, two sandboxes, a published port answering, a service of three tasks behind "
                + "a virtual IP; remove everything. With --hosts 3: three namespaces playing hosts, an etcd cluster the demo "
                + "starts, an overlay network, the service's tasks spread over the hosts and its port answering on every "
                + "host. Needs root and busybox (and etcd-server for --hosts).")
final class DemoCommand implements Callable<Integer> {
    private static final int PORT = 80;
    private static final int PUBLISHED = 8080;

    @Option(names = "--subnet", description = "Subnet of the demo network (default: ${DEFAULT-VALUE}).",
            defaultValue = "10.200.0.0/24")
    String subnet;

    @Option(names = "--hosts", description = "How many hosts: 1 (default, the embedded store) or 2 to 5 (a cluster on an etcd "
            + "the demo starts, an overlay network).", defaultValue = "1")
    int hosts;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        IpPrefix prefix = IpPrefix.parse(subnet, "--subnet");
        if (prefix.family() != IpFamily.V4 || prefix.length() > 29) {
            throw new IllegalArgumentException("--subnet " + subnet + ": give an IPv4 subnet of /29 or larger, e.g. 10.200.0.0/24");
        }
        if (hosts < 1 || hosts > ClusterDemo.MAX_HOSTS) {
            throw new IllegalArgumentException("--hosts " + hosts + ": give 1 (one host) or 2 to " + ClusterDemo.MAX_HOSTS
                    + " (a cluster), e.g. --hosts 3");
        }
        if (hosts > 1) {
            return new ClusterDemo(hosts, subnet, out).call();
        }
        long start = System.nanoTime();
        String hostName = "nm-demo-host-" + Long.toHexString(ProcessHandle.current().pid());
        Path dir = Files.createTempDirectory("netmgr-demo-");
        NetNs host = NetNs.create(hostName);
        DemoDaemon daemon = null;
        DemoShell shell = new DemoShell(out);
        DemoTraffic traffic = new DemoTraffic(out);
        try {
            try (NetlinkHandle h = NetlinkHandle.open(host)) {
                h.links().setUp("lo"); // a host has its loopback up: ports published on 127.0.0.1 answer there
            }
            daemon = DemoDaemon.start(dir, hostName, List.of());
            out.printf("netmgrd started: pid %d, socket %s, state in %s/state, host namespace %s%n", daemon.process.pid(),
                    daemon.socket, dir, host.path());
            out.printf("  (a namespace plays the host: this machine's interfaces and rules are not touched)%n%n");
            out.printf("$ export NETMGR_HOST=%s   # the CLI below talks to that daemon%n", daemon.host());
            DemoService.Host me = new DemoService.Host("$", daemon);
            me.netmgr(shell, "network", "create", "--subnet", subnet, "demo");
            me.netmgr(shell, "sandbox", "create", "web");
            me.netmgr(shell, "sandbox", "create", "client");
            me.netmgr(shell, "network", "connect", "-p", PUBLISHED + ":" + PORT, "demo", "web");
            me.netmgr(shell, "network", "connect", "demo", "client");
            me.netmgr(shell, "network", "ls");
            me.netmgr(shell, "sandbox", "ls");
            out.println();
            traffic(traffic, daemon.client, host);
            out.println();
            new DemoService(shell, out).show(me, host, "demo", "client");
            out.println();
            me.netmgr(shell, "sandbox", "rm", "web", "client");
            me.netmgr(shell, "network", "rm", "demo");
        } finally {
            if (daemon != null) {
                // after a failure half-way: the sandboxes' namespaces live outside the host's
                daemon.removeLeftovers(List.of("/v1/services/" + DemoService.NAME, "/v1/sandboxes/web", "/v1/sandboxes/client",
                        "/v1/networks/demo"));
                out.printf("netmgrd stopped (%s); its log was in the temp dir, now removed%n", daemon.stop());
            }
            host.close();
            NetNs.delete(hostName); // takes the bridges and rules made in it along
            deleteTree(dir);
        }
        out.printf("done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return 0;
    }

    /**
     * An echo server in sandbox web (as a container's process would be), and clients: the
     * other sandbox straight to it, the host through 127.0.0.1:8080, and the client sandbox
     * through the gateway's published port.
     */
    private void traffic(DemoTraffic traffic, DaemonClient client, NetNs host) throws IOException {
        IpAddress web = DemoTraffic.ipv4(client, "web");
        IpAddress from = DemoTraffic.ipv4(client, "client");
        IpAddress gateway = IpAddress.parse(client.get("/v1/networks/demo").path("pools").get(0).path("gateway").asText());
        try (NetNs webNs = DemoTraffic.namespaceOf(client, "web"); NetNs clientNs = DemoTraffic.namespaceOf(client, "client");
             ServerSocket listener = traffic.echoServer(webNs, web, PORT)) {
            out.printf("# an echo server listens in sandbox web on %s:%d%n", web.uriHost(), PORT);
            traffic.exchange("client -> web", clientNs, web, PORT, "hello from " + from);
            traffic.exchange("host -> 127.0.0.1 (published)", host, IpAddress.of(InetAddress.getLoopbackAddress()), PUBLISHED,
                    "hello from the host");
            traffic.exchange("client -> gateway (published)", clientNs, gateway, PUBLISHED, "hello from " + from);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir, e);
        }
    }
}
