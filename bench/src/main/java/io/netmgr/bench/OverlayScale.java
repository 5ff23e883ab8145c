package io.netmgr.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Txn;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.core.Ids;
import io.netmgr.store.etcd.EtcdEndpoints;
import io.netmgr.store.etcd.EtcdStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The overlay at scale on a real etcd (-Dnetmgr.bench.etcd=HOST:PORT,...): {@code hosts}
 * simulated hosts x {@code perHost} endpoints on one network, their peer records written straight
 * to etcd by a writer with no kernel (the layout every host's PeerTable follows), and one real
 * host (a namespace with its controller, in this JVM) that joins the network after they are all
 * written: how long until its kernel holds the whole peer table (FDB entries on its VXLAN device,
 * counted with {@code bridge fdb} once a second), the JVM's RSS then; then the simulated hosts
 * churn {@code churnPercent}% of their endpoints per second for {@code churnSeconds} (each one
 * removed and a new one added), and it prints the etcd write rate they sustained and how long the
 * real host took to catch up once they stopped.
 */
public final class OverlayScale {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int OPS_PER_TXN = 100; // under etcd's default --max-txn-ops (128)

    private OverlayScale() {
    }

    public static void main(String[] args) throws Exception {
        int hosts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int perHost = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int churnSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        double churnPercent = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        String endpoints = System.getProperty("netmgr.bench.etcd");
        if (endpoints == null) {
            throw new IllegalArgumentException("give the etcd to use with -Dnetmgr.bench.etcd=HOST:PORT,... (bench/overlay-scale.sh starts one)");
        }
        String tag = Long.toHexString(ProcessHandle.current().pid());
        EtcdStore.Config config = new EtcdStore.Config(EtcdEndpoints.parse("etcd://" + endpoints)).withRoot("/bench-" + tag);
        List<NetNs> made = new ArrayList<>();
        NetNs underlay = OverlayConvergence.underlay("nmb-scu-" + tag, made);
        try (EtcdStore cluster = EtcdStore.connect(config); EtcdStore writer = EtcdStore.connect(config)) {
            System.out.printf("overlay scale: %d simulated hosts x %d endpoints on one network, one real host; a 3-member etcd"
                    + " on loopback; %d cores, load %s%n", hosts, perHost, Runtime.getRuntime().availableProcessors(), OverlayConvergence.load());
            OverlayConvergence.Host real = new OverlayConvergence.Host(OverlayConvergence.create("nmb-sch-" + tag, made),
                    "198.51.100.1", underlay, 1, cluster);
            try {
                Network net = real.c.createNetwork(NetworkConfig.of("ovscale", "overlay").withIpam(IpamConfig.of(
                        io.netmgr.netlink.addr.IpPrefix.parse("10.64.0.0/10"))));
                Simulated sim = new Simulated(net.id(), hosts, perHost);
                long t0 = System.nanoTime();
                for (int h = 0; h < hosts; h++) {
                    Txn txn = writer.txn();
                    for (int e = 0; e < perHost; e++) {
                        sim.put(txn, h, e);
                        if ((e + 1) % OPS_PER_TXN == 0) {
                            txn.commit();
                            txn = writer.txn();
                        }
                    }
                    txn.commit();
                }
                double writeS = (System.nanoTime() - t0) / 1e9;
                System.out.printf("writer: %d peer records in %.1f s (%.0f records/s, %d per transaction)%n",
                        hosts * perHost, writeS, hosts * perHost / writeS, OPS_PER_TXN);

                String vxlan = "nmt" + Ids.shortId(net.id()); // the overlay's VXLAN device (OverlayDataPlane)
                long j0 = System.nanoTime();
                Sandbox s = real.c.createSandbox("real");
                real.c.join(real.c.createEndpoint(net.id(), EndpointConfig.named("real")).id(), s.id());
                double joinS = (System.nanoTime() - j0) / 1e9;
                double programmedS = awaitEntries(real.ns, vxlan, hosts * perHost, j0, TimeUnit.MINUTES.toNanos(15));
                System.out.printf("real host: join (the network's data plane and every known peer) returned after %.1f s;"
                        + " %d FDB entries present after %.1f s%n", joinS, hosts * perHost, programmedS);
                System.out.printf("real host: JVM RSS %d MiB (controller, etcd client, %d peers held), heap used %d MiB%n",
                        rssKib() / 1024, hosts * perHost, (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);

                int perSecond = (int) Math.round(hosts * perHost * churnPercent / 100);
                Random random = new Random(42);
                long c0 = System.nanoTime();
                long ops = 0;
                int lateSeconds = 0;
                for (int second = 0; second < churnSeconds; second++) {
                    long deadline = c0 + TimeUnit.SECONDS.toNanos(second + 1);
                    Txn txn = writer.txn();
                    int inTxn = 0;
                    for (int i = 0; i < perSecond; i++) {
                        int h = random.nextInt(hosts);
                        int e = random.nextInt(perHost);
                        txn.delete(sim.key(h, e));
                        sim.renew(h, e);
                        sim.put(txn, h, e);
                        ops += 2;
                        inTxn += 2;
                        if (inTxn >= OPS_PER_TXN) {
                            txn.commit();
                            txn = writer.txn();
                            inTxn = 0;
                        }
                    }
                    txn.commit();
                    long left = deadline - System.nanoTime();
                    if (left > 0) {
                        TimeUnit.NANOSECONDS.sleep(left); // pacing the writer to its rate, not a wait for a condition
                    } else {
                        lateSeconds++;
                    }
                }
                double churnS = (System.nanoTime() - c0) / 1e9;
                System.out.printf("churn: %d endpoints replaced per second (%.1f%%) for %d s: %d writes in %.1f s = %.0f writes/s"
                        + " sustained (target %d/s; %d seconds fell behind)%n", perSecond, churnPercent, churnSeconds, ops, churnS,
                        ops / churnS, 2 * perSecond, lateSeconds);
                long k0 = System.nanoTime();
                double caughtUpS = awaitMac(real.ns, vxlan, sim.lastMac(), k0, TimeUnit.MINUTES.toNanos(10));
                System.out.printf("real host: the last churned endpoint's FDB entry present %.1f s after the writer stopped;"
                        + " %d FDB entries then; JVM RSS %d MiB%n", caughtUpS, fdbCount(real.ns, vxlan), rssKib() / 1024);
                real.c.deleteSandbox(s.id());
            } finally {
                real.close();
                writer.txn().deletePrefix("/").commit(); // the whole corner of this run
            }
        } finally {
            OverlayConvergence.deleteNamespaces(made);
        }
    }

    /** The simulated hosts' endpoints: host h's VTEP is 10.200.h/256.h%256, endpoint addresses from 10.64.0.0/10. */
    private static final class Simulated {
        private final String networkId;
        private final int perHost;
        private final int[] generation;
        private String lastMac = "";

        Simulated(String networkId, int hosts, int perHost) {
            this.networkId = networkId;
            this.perHost = perHost;
            this.generation = new int[hosts * perHost];
        }

        String key(int h, int e) {
            return ScopedStore.GLOBAL + "peers/" + networkId + "/" + id(h, e);
        }

        private String id(int h, int e) {
            return String.format("sim%04d%04d%04d", h, e, generation[h * perHost + e]);
        }

        void renew(int h, int e) {
            generation[h * perHost + e]++;
        }

        void put(Txn txn, int h, int e) {
            int n = h * perHost + e;
            int g = generation[n] & 0xf;
            // 10.64.0.0/10 has 22 bits of host part: the upper half (away from IPAM's, for the real host), then
            // 4 bits of generation, then n < 2^17
            int host = 0x200000 | (g << 17) | n;
            String address = "10." + (64 | (host >> 16 & 0x3f)) + "." + (host >> 8 & 0xff) + "." + (host & 0xff) + "/10";
            String mac = String.format("02:5e:%02x:%02x:%02x:%02x", g, n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff);
            lastMac = mac;
            Peer peer = new Peer(networkId, id(h, e), "10.200." + (h >> 8) + "." + (h & 0xff), List.of(IpNet.parse(address)), mac);
            try {
                txn.put(key(h, e), JSON.writeValueAsBytes(peer));
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }

        String lastMac() {
            return lastMac;
        }
    }

    private static double awaitEntries(NetNs ns, String vxlan, int count, long t0, long timeoutNanos) throws Exception {
        while (fdbCount(ns, vxlan) < count) {
            if (System.nanoTime() - t0 > timeoutNanos) {
                throw new IllegalStateException("only " + fdbCount(ns, vxlan) + " of " + count + " FDB entries after "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
            }
            TimeUnit.SECONDS.sleep(1); // a poll of the kernel's table, once a second: resolution 1 s
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double awaitMac(NetNs ns, String vxlan, String mac, long t0, long timeoutNanos) throws Exception {
        while (!bridgeFdb(ns, vxlan).contains(mac + " dst")) {
            if (System.nanoTime() - t0 > timeoutNanos) {
                throw new IllegalStateException("FDB entry " + mac + " not present after " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int fdbCount(NetNs ns, String vxlan) throws Exception {
        return (int) bridgeFdb(ns, vxlan).lines().filter(l -> l.contains(" dst ")).count();
    }

    private static String bridgeFdb(NetNs ns, String vxlan) throws Exception {
        String name = ns.path().getFileName().toString();
        Process p = new ProcessBuilder("ip", "netns", "exec", name, "bridge", "fdb", "show", "dev", vxlan)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private static long rssKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
    }
}
