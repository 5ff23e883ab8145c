package io.netmgr.core.fake;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hosts sharing a cluster store, on fakes: each with its own store, kernel, drivers (a local
 * driver {@code fake}, a global one {@code global}) and firewall, all sharing a cluster store
 * (a {@link MemoryStore} whose lease clock the test moves) and a cluster IPAM.
 */
public final class FakeCluster implements AutoCloseable {
    public final Faults faults = new Faults();
    private final AtomicLong nanos = new AtomicLong(); // the cluster store's lease clock, moved by the test
    public final MemoryStore cluster = new MemoryStore(nanos::get);
    public final FakeIpam clusterIpam = new FakeIpam(faults);
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A new host {@code id} reached at {@code address}, registered under a lease of its own. */
    public Host host(String id, String address) {
        Host h = new Host(id, address);
        opened.add(h.controller);
        return h;
    }

    /** One host: its own store, IPAM, kernel, drivers and firewall, and its lease in the cluster store. */
    public final class Host {
        public final String id;
        public final MemoryStore local = new MemoryStore();
        public final AtomicReference<Lease> lease = new AtomicReference<>(cluster.grantLease(Duration.ofSeconds(2), () -> { }));
        public final FakeFirewall firewall = new FakeFirewall(faults);
        /** This host's requests to the cluster store, counted. */
        public final CountingStore clusterRequests = new CountingStore(cluster);
        /** Its requests to its own store, counted. */
        public final CountingStore localRequests = new CountingStore(local);
        private final String address;
        private final FakeKernel kernel = new FakeKernel(faults);
        private final FakeIpam ipam = new FakeIpam(faults);
        private final DriverRegistry drivers = new DriverRegistry().register(new FakeDriver("fake", faults))
                .register(new FakeDriver("global", faults, Scope.GLOBAL));
        public NetworkController controller;

        Host(String id, String address) {
            this.id = id;
            this.address = address;
            // registered as a member, as the host registry does before the controller starts
            cluster.txn().put(HostRegistry.MEMBERS + id, ("{\"hostId\":\"" + id + "\",\"hostname\":\"" + id + "\",\"advertiseAddress\":\""
                    + address + "\",\"startedAt\":\"\",\"version\":\"\"}").getBytes(StandardCharsets.UTF_8)).commit();
            controller = start();
        }

        private NetworkController start() {
            return NetworkController.builder(kernel, localRequests, ipam, drivers).sandboxNamespaces(kernel)
                    .firewall(firewall).clusterStore(clusterRequests, clusterIpam).hostId(id).advertiseAddress(IpAddress.parse(address))
                    .hostLease(lease::get).build();
        }

        /**
         * The host's process restarts within its lease's TTL: a new controller on the same stores,
         * kernel and firewall, under the same lease (resumed, as the host registry does).
         */
        public void restart() {
            opened.remove(controller);
            controller.close();
            controller = start();
            opened.add(controller);
        }

        /** The host is cut off (or dead) for longer than its TTL: its lease expires, with every key under it. */
        public void loseLease() {
            cluster.stopKeepAlive(lease.get().id());
            nanos.addAndGet(lease.get().ttl().toNanos() + 1);
            cluster.expireLeases();
        }

        /** Back: registered under a new lease, the controller told to resync (as the host registry does). */
        public void comeBack() {
            lease.set(cluster.grantLease(Duration.ofSeconds(2), () -> { }));
            controller.clusterListener().resync();
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }
}
