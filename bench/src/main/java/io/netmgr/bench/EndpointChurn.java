package io.netmgr.bench;

import io.netmgr.core.kernel.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The library's side of the CNM figure: N containers attached to one bridge network (create
 * endpoint + join, as one CNI ADD does) and detached again (leave + delete, as DEL), on the
 * embedded store, in a namespace playing the host. Namespaces are made before the clock starts,
 * as cni-bench.sh does for the reference. Prints endpoints per second and memory.
 */
public final class EndpointChurn {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String tag = Long.toHexString(ProcessHandle.current().pid());
        Path stateDir = Files.createTempDirectory("nmb-state-");
        NetNs host = NetNs.create("nmb-host-" + tag);
        List<Sandbox> sandboxes = new ArrayList<>();
        try (LmdbStore store = LmdbStore.open(stateDir); NetlinkHandle routes = NetlinkHandle.open(host);
             NetworkController c = new NetworkController(host, store,
                     new DefaultIpam(store, new HostRoutes(routes), DefaultPools.forThisHost()),
                     DriverRegistry.fromClassPath(), NetNs.DEFAULT_RUN_DIR)) {
            c.createNetwork(NetworkConfig.of("churn", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.223.0.0/16"))));
            for (int i = 0; i < n; i++) {
                sandboxes.add(c.createSandbox("c" + i));
            }
            List<Endpoint> endpoints = new ArrayList<>();
            long t0 = System.nanoTime();
            long creating = 0;
            for (int i = 0; i < n; i++) {
                long c0 = System.nanoTime();
                Endpoint e = c.createEndpoint("churn", EndpointConfig.named("c" + i));
                creating += System.nanoTime() - c0;
                endpoints.add(c.join(e.id(), sandboxes.get(i).id()));
            }
            long attach = System.nanoTime() - t0;
            System.out.printf("of which create endpoint (IPAM + store): %.2f ms each, join (kernel + store): %.2f ms each%n",
                    creating / 1e6 / n, (attach - creating) / 1e6 / n);
            long rssKb = rssKb();
            long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
            t0 = System.nanoTime();
            for (Endpoint e : endpoints) {
                c.deleteEndpoint(e.id());
            }
            long detach = System.nanoTime() - t0;
            System.out.printf("netmgr library: %d attach (create+join) in %.2f s = %.0f/s, %.2f ms each; "
                            + "%d detach (leave+delete) in %.2f s = %.0f/s; RSS %d MB, heap used %d MB with %d endpoints%n",
                    n, attach / 1e9, n / (attach / 1e9), attach / 1e6 / n, n, detach / 1e9, n / (detach / 1e9),
                    rssKb >> 10, heapMb, n);
            System.out.printf("RESULT attach_per_s=%.1f detach_per_s=%.1f rss_mb=%d%n", n / (attach / 1e9), n / (detach / 1e9), rssKb >> 10);
            for (Sandbox s : sandboxes) {
                c.deleteSandbox(s.id());
            }
            c.deleteNetwork("churn");
        } finally {
            host.close();
            NetNs.delete("nmb-host-" + tag);
            try (var files = Files.walk(stateDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long rssKb() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
    }
}
