package io.netmgr.bench;

import static io.netmgr.bench.Windows.ms;
import static io.netmgr.bench.Windows.quantile;

import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.nat.Firewalls;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection's cost through a service VIP vs. straight to a backend: a client sandbox opens a
 * TCP connection, sends 16 bytes, reads the 16-byte answer and closes, N times each way,
 * alternating (so both see the same load), from two client sandboxes (one for each way), to
 * three backends (straight: each in turn) on one bridge network of a
 * controller with the nftables firewall, in a namespace playing the host. Prints p50 and p99.
 */
public final class VipConnections {
    private static final int PORT = 7000;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        String tag = Long.toHexString(ProcessHandle.current().pid());
        Path stateDir = Files.createTempDirectory("nmb-state-");
        NetNs host = NetNs.create("nmb-vip-" + tag);
        List<ServerSocket> servers = new ArrayList<>();
        try (LmdbStore store = LmdbStore.open(stateDir); NetlinkHandle routes = NetlinkHandle.open(host);
             Firewall firewall = Firewalls.open(Firewalls.Backend.NFTABLES, host);
             NetworkController c = NetworkController.builder(host, store, new DefaultIpam(store, new HostRoutes(routes),
                     DefaultPools.forThisHost()), DriverRegistry.fromClassPath()).firewall(firewall).build()) {
            c.createNetwork(NetworkConfig.of("vipnet", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.222.0.0/24"))));
            List<String> backendIps = new ArrayList<>();
            List<Sandbox> sandboxes = new ArrayList<>();
            for (String name : List.of("b1", "b2", "b3", "client", "direct-client")) {
                Sandbox s = c.createSandbox("nmb-vip-" + name + "-" + tag);
                sandboxes.add(s);
                Endpoint e = c.join(c.createEndpoint("vipnet", EndpointConfig.named(name)).id(), s.id());
                if (name.startsWith("b")) {
                    backendIps.add(e.ips().get(0).toString());
                    try (NetNs ns = NetNs.openPath(s.path())) {
                        servers.add(serve(ns));
                    }
                }
            }
            Service web = c.services().create(ServiceSpec.of("web", "vipnet"));
            for (Sandbox s : sandboxes.subList(0, 3)) {
                c.services().attach("web", s.id());
            }
            InetAddress vip = web.vips().get(0).address().address().toInetAddress();
            // straight to the same backends the VIP spreads over, in turn
            List<InetAddress> direct = new ArrayList<>();
            for (String ip : backendIps) {
                direct.add(InetAddress.getByName(ip));
            }
            // Two clients, one for each way: a flow to the VIP keeps its client's address, so its
            // conntrack entry would clash with a straight flow from the same client port to the
            // same backend within conntrack's TIME_WAIT (120 s), as it would for any client mixing both
            long[] viaVip = new long[n];
            long[] straight = new long[n];
            try (NetNs client = NetNs.openPath(sandboxes.get(3).path()); NetNs directClient = NetNs.openPath(sandboxes.get(4).path())) {
                for (int i = -300; i < n; i++) { // 300 rounds of warm-up first: JIT, ARP, conntrack
                    InetAddress backend = direct.get(Math.floorMod(i, direct.size()));
                    long v = client.call(() -> exchange(vip));
                    long d = directClient.call(() -> exchange(backend));
                    if (i >= 0) {
                        viaVip[i] = v;
                        straight[i] = d;
                    }
                }
            }
            long[][] times = {viaVip, straight};
            System.out.printf("connect + 16-byte request + answer + close, %d each, alternating%n", n);
            System.out.printf("direct to a backend   p50 %6.3f ms   p99 %6.3f ms%n", ms(quantile(times[1], 0.5)), ms(quantile(times[1], 0.99)));
            System.out.printf("through the VIP       p50 %6.3f ms   p99 %6.3f ms%n", ms(quantile(times[0], 0.5)), ms(quantile(times[0], 0.99)));
            System.out.printf("VIP / direct          p50 %.2fx   p99 %.2fx   (goal <= 1.10x)%n",
                    quantile(times[0], 0.5) / (double) quantile(times[1], 0.5), quantile(times[0], 0.99) / (double) quantile(times[1], 0.99));
            c.services().remove("web");
            for (Sandbox s : sandboxes) {
                c.deleteSandbox(s.id());
            }
            c.deleteNetwork("vipnet");
            firewall.removeAll();
        } finally {
            for (ServerSocket s : servers) {
                s.close();
            }
            NetNs.delete("nmb-vip-" + tag);
            try (var files = Files.walk(stateDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long exchange(InetAddress to) throws IOException {
        byte[] request = new byte[16];
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(to, PORT), 2000);
            s.setSoTimeout(2000);
            s.getOutputStream().write(request);
            s.getInputStream().readNBytes(16);
        }
        return System.nanoTime() - t0;
    }

    /** A server in {@code ns} answering each connection's 16 bytes with 16 bytes, one connection at a time. */
    private static ServerSocket serve(NetNs ns) throws Exception {
        ServerSocket server = ns.call(() -> new ServerSocket(PORT, 512));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    out.write(in.readNBytes(16)); // and closes first: the TIME_WAIT is the server's, so the
                    // clients' connect() never searches for a free port among tens of thousands of its own
                } catch (IOException e) {
                    // closed
                }
            }
        }, "answer");
        t.setDaemon(true);
        t.start();
        return server;
    }
}
