package io.netmgr.cli;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.ns.Underlay;
import io.netmgr.store.etcd.LocalEtcd;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code netmgr demo --hosts N}: the demo across a cluster. It starts a three-member etcd on
 * loopback (free ports, data in a temp dir), N namespaces playing hosts joined by an underlay
 * bridge in a namespace of its own (which also plays a client outside every host), and one
 * netmgrd per host ({@code --host-netns}, own socket and state dir, {@code --cluster-store},
 * {@code --advertise-addr}); then, through the CLI on several hosts: the cluster's nodes, an
 * overlay network, sandboxes on two hosts talking TCP, and a service of three tasks spread over
 * the hosts, reached by name from a sandbox and on every host's published port. Everything is
 * removed at the end, also on failure: the daemons and etcd stopped by the pids started, the
 * namespaces deleted, the temp dir removed.
 */
final class ClusterDemo implements Callable<Integer> {
    static final int MAX_HOSTS = 5;
    private static final String UNDERLAY = "198.51.100.";
    private static final IpAddress OUTSIDE = IpAddress.parse(UNDERLAY + "254");
    private static final int PORT = 80;

    private final int count;
    private final String subnet;
    private final PrintStream out;
    private final DemoShell shell;

    ClusterDemo(int count, String subnet, PrintStream out) {
        this.count = count;
        this.subnet = subnet;
        this.out = out;
        this.shell = new DemoShell(out);
    }

    @Override
    public Integer call() throws Exception {
        String missing = LocalEtcd.missingReason();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("netmgr demo --hosts " + count + " starts an etcd cluster of its own: " + missing);
        }
        long start = System.nanoTime();
        String tag = Long.toHexString(ProcessHandle.current().pid());
        Path dir = Files.createTempDirectory("netmgr-demo-cluster-");
        List<String> namespaces = new ArrayList<>();
        List<NetNs> opened = new ArrayList<>();
        List<DemoDaemon> daemons = new ArrayList<>();
        LocalEtcd etcd = LocalEtcd.members(3);
        try {
            etcd.start();
            out.printf("etcd started: 3 members on loopback, %s (pids %d, %d, %d), data in a temp dir%n", etcd.url(), etcd.pid(0),
                    etcd.pid(1), etcd.pid(2));
            String underlayName = "nm-demo-ul-" + tag;
            NetNs underlayNs = track(NetNs.create(underlayName), underlayName, namespaces, opened);
            Underlay underlay = Underlay.in(underlayNs);
            underlay.address(OUTSIDE);
            List<DemoService.Host> hosts = new ArrayList<>();
            List<IpAddress> addresses = new ArrayList<>();
            for (int n = 1; n <= count; n++) {
                String name = "nm-demo-h" + n + "-" + tag;
                NetNs ns = track(NetNs.create(name), name, namespaces, opened);
                try (NetlinkHandle h = NetlinkHandle.open(ns)) {
                    h.links().setUp("lo");
                }
                IpAddress address = IpAddress.parse(UNDERLAY + n);
                underlay.attach(n, ns, address);
                DemoDaemon daemon = DemoDaemon.start(dir.resolve("host" + n), name, List.of("--cluster-store", etcd.url(),
                        "--advertise-addr", address.toString()));
                daemons.add(daemon);
                hosts.add(new DemoService.Host("host" + n + "$", daemon));
                addresses.add(address);
                out.printf("host%d: namespace %s, underlay address %s, netmgrd pid %d, socket %s%n", n, ns.path(), address,
                        daemon.process.pid(), daemon.socket);
            }
            out.printf("  (namespaces play the hosts, joined by bridge ul0 in %s, which plays a client outside them at %s;%n"
                    + "   this machine's interfaces and rules are not touched)%n", underlayNs.path(), OUTSIDE);
            out.printf("# 'hostN$ netmgr ...' is netmgr run on host N: NETMGR_HOST=unix://%s/hostN/netmgr.sock%n%n", dir);
            script(hosts, addresses, underlayNs);
        } finally {
            for (DemoDaemon daemon : daemons) {
                daemon.removeLeftovers(List.of("/v1/services/" + DemoService.NAME, "/v1/sandboxes/web", "/v1/sandboxes/client"));
            }
            if (!daemons.isEmpty()) {
                daemons.get(0).removeLeftovers(List.of("/v1/networks/demo"));
            }
            for (int i = 0; i < daemons.size(); i++) {
                out.printf("netmgrd on host%d stopped (%s)%n", i + 1, daemons.get(i).stop());
            }
            etcd.close();
            out.printf("etcd stopped, its data removed%n");
            opened.forEach(NetNs::close);
            namespaces.forEach(NetNs::delete); // the links, bridges and rules made in them go along
            DemoCommand.deleteTree(dir);
        }
        out.printf("done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return 0;
    }

    private static NetNs track(NetNs ns, String name, List<String> names, List<NetNs> opened) {
        names.add(name);
        opened.add(ns);
        return ns;
    }

    /** What a user types on the hosts, each command shown before its output. */
    private void script(List<DemoService.Host> hosts, List<IpAddress> addresses, NetNs outside) throws Exception {
        DemoService.Host one = hosts.get(0);
        DemoService.Host two = hosts.get(1);
        one.netmgr(shell, "node", "ls");
        one.netmgr(shell, "network", "create", "-d", "overlay", "--subnet", subnet, "demo");
        two.netmgr(shell, "network", "ls");
        one.netmgr(shell, "sandbox", "create", "web");
        one.netmgr(shell, "network", "connect", "demo", "web");
        two.netmgr(shell, "sandbox", "create", "client");
        two.netmgr(shell, "network", "connect", "demo", "client");
        out.println();
        DemoTraffic traffic = new DemoTraffic(out);
        IpAddress web = DemoTraffic.ipv4(one.daemon().client, "web");
        IpAddress from = DemoTraffic.ipv4(two.daemon().client, "client");
        try (NetNs webNs = DemoTraffic.namespaceOf(one.daemon().client, "web");
             NetNs clientNs = DemoTraffic.namespaceOf(two.daemon().client, "client");
             ServerSocket listener = traffic.echoServer(webNs, web, PORT)) {
            out.printf("# an echo server listens in sandbox web (host1) on %s:%d%n", web.uriHost(), PORT);
            traffic.exchange("client (host2) -> web (host1)", clientNs, web, PORT, "hello from " + from);
        }
        out.println();
        new DemoService(shell, out).showAcrossHosts(hosts, addresses, outside, "demo", two, "client");
        out.println();
        one.netmgr(shell, "sandbox", "rm", "web");
        two.netmgr(shell, "sandbox", "rm", "client");
        one.netmgr(shell, "network", "rm", "demo");
    }
}
