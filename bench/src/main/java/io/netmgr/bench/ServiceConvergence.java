package io.netmgr.bench;

import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.store.etcd.EtcdEndpoints;
import io.netmgr.store.etcd.EtcdStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Services across hosts: two hosts (namespaces on an underlay bridge, controllers with nftables in
 * this process sharing one cluster store, as {@link OverlayConvergence} runs them), a service on an
 * overlay network. For each of N sandboxes of host A, the time from the start of {@code service
 * attach} on A to the backend in host B's applied rules (B's firewall has committed it to the
 * kernel, programmed from the cluster store's watch alone), then from {@code detach} on A to it
 * gone from B's rules. Prints p50/p99 in ms.
 */
public final class ServiceConvergence {
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        String tag = Long.toHexString(ProcessHandle.current().pid());
        List<NetNs> made = new ArrayList<>();
        Optional<String> etcd = Optional.ofNullable(System.getProperty("netmgr.bench.etcd"));
        Store cluster = etcd.<Store>map(endpoints -> EtcdStore.connect(new EtcdStore.Config(EtcdEndpoints.parse("etcd://" + endpoints))
                .withRoot("/bench-" + tag))).orElseGet(MemoryStore::new);
        NetNs underlay = OverlayConvergence.underlay("nmb-su-" + tag, made);
        OverlayConvergence.Host a = new OverlayConvergence.Host(OverlayConvergence.create("nmb-sa-" + tag, made), "198.51.100.1",
                underlay, 1, cluster, true);
        OverlayConvergence.Host b = new OverlayConvergence.Host(OverlayConvergence.create("nmb-sb-" + tag, made), "198.51.100.2",
                underlay, 2, cluster, true);
        try {
            System.out.printf("services across hosts, %d backends attached on A then detached; cluster store %s; %d cores, load %s%n",
                    n, etcd.map(e -> "a 3-member etcd on loopback (" + e + ")").orElse("in memory (no etcd round trips)"),
                    Runtime.getRuntime().availableProcessors(), OverlayConvergence.load());
            Network net = a.c.createNetwork(NetworkConfig.of("svb", "overlay").withIpam(IpamConfig.of(IpPrefix.parse("10.89.0.0/16"))));
            Service web = a.c.services().create(ServiceSpec.of("web", "svb"));
            List<Sandbox> sandboxes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Sandbox s = a.c.createSandbox("s" + i);
                a.c.join(a.c.createEndpoint(net.id(), EndpointConfig.named("s" + i)).id(), s.id());
                sandboxes.add(s);
            }
            long[] attach = new long[n];
            long[] call = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                a.c.services().attach("web", sandboxes.get(i).id());
                call[i] = System.nanoTime() - t0;
                attach[i] = until(b, web.id(), sandboxes.get(i).id(), true, t0) - t0;
            }
            long[] detach = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                a.c.services().detach("web", sandboxes.get(i).id());
                detach[i] = until(b, web.id(), sandboxes.get(i).id(), false, t0) - t0;
            }
            OverlayConvergence.print("the attach call on A alone", call);
            OverlayConvergence.print("attach on A -> backend in B's rules", attach);
            OverlayConvergence.print("detach on A -> backend gone from B's rules", detach);
            System.out.printf("RESULT attach_p50_ms=%.2f attach_p99_ms=%.2f detach_p50_ms=%.2f detach_p99_ms=%.2f%n",
                    OverlayConvergence.pct(attach, 50), OverlayConvergence.pct(attach, 99),
                    OverlayConvergence.pct(detach, 50), OverlayConvergence.pct(detach, 99));
            a.c.services().remove("web");
            for (Sandbox s : sandboxes) {
                a.c.deleteSandbox(s.id());
            }
        } finally {
            OverlayConvergence.tearDown(cluster, made, a, b);
        }
    }

    /** When host {@code h}'s applied rules of service {@code serviceId} first (no longer) held {@code sandboxId}'s backend. */
    private static long until(OverlayConvergence.Host h, String serviceId, String sandboxId, boolean present, long t0)
            throws InterruptedException {
        long deadline = t0 + TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            boolean there = h.c.firewall().orElseThrow().current().service(serviceId).map(r -> r.backends().stream()
                    .map(ServiceRules.Backend::sandboxId).anyMatch(sandboxId::equals)).orElse(false);
            if (there == present) {
                return System.nanoTime();
            }
            Thread.sleep(0, 200_000); // a poll of B's applied state; its resolution is this pause
        }
        throw new IllegalStateException("backend " + sandboxId + (present ? " not in" : " still in") + " B's rules after 30 s");
    }
}
