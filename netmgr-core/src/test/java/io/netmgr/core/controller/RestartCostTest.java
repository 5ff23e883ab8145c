package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.fake.FakeCluster;
import io.netmgr.core.fake.FakeDriver;
import io.netmgr.core.fake.FakeFirewall;
import io.netmgr.core.fake.FakeIpam;
import io.netmgr.core.fake.FakeKernel;
import io.netmgr.core.fake.Faults;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.MemoryStore;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * What a controller's start costs in store requests, on fakes, counted by a {@link CountingStore}:
 * taking the firewall over reads the services once however many there are, and a restart within
 * the lease's TTL claims nothing again when every endpoint was claimed under that lease.
 */
class RestartCostTest {
    private final Faults faults = new Faults();

    @Test
    void takingTheFirewallOverReadsAsMuchForFiveServicesAsForOne() {
        FakeKernel kernel = new FakeKernel(faults);
        FakeIpam ipam = new FakeIpam(faults);
        FakeFirewall firewall = new FakeFirewall(faults);
        DriverRegistry drivers = new DriverRegistry().register(new FakeDriver("fake", faults)).register(new FakeDriver("bridge", faults))
                .register(new FakeDriver("host", faults)).register(new FakeDriver("none", faults));
        try (MemoryStore memory = new MemoryStore()) {
            CountingStore store = new CountingStore(memory);
            Supplier<NetworkController> start = () -> NetworkController.builder(kernel, store, ipam, drivers).sandboxNamespaces(kernel)
                    .firewall(firewall).build();
            try (NetworkController c = start.get()) {
                c.createNetwork(NetworkConfig.of("n", "fake"));
                Endpoint e = c.createEndpoint("n", EndpointConfig.named("s"));
                c.createSandbox("s");
                c.join(e.id(), "s");
                c.services().create(ServiceSpec.of("svc0", "n"));
                c.services().attach("svc0", "s");
            }
            long withOne = readsOfAStart(start, store);
            try (NetworkController c = start.get()) {
                for (int i = 1; i < 5; i++) {
                    c.services().create(ServiceSpec.of("svc" + i, "n"));
                    c.services().attach("svc" + i, "s");
                }
            }
            long withFive = readsOfAStart(start, store);

            assertThat(firewall.current().services()).as("every service programmed at start").hasSize(5);
            assertThat(withFive).as("the backends and endpoints read once for all services, not once per service").isEqualTo(withOne);
        }
    }

    private static long readsOfAStart(Supplier<NetworkController> start, CountingStore store) {
        store.countOnly(Thread.currentThread()); // the start itself, not a watch's thread after it
        store.reset();
        try (NetworkController c = start.get()) {
            return store.counts().reads();
        }
    }

    @Test
    void aResyncReadsThisHostsServicesInOneRangeHoweverManyItProgrammed() throws Exception {
        try (FakeCluster world = new FakeCluster()) {
            FakeCluster.Host a = world.host("host-a", "192.0.2.1");
            a.controller.createNetwork(NetworkConfig.of("n", "fake"));
            for (int i = 0; i < 5; i++) {
                a.controller.services().create(ServiceSpec.of("svc" + i, "n"));
            }
            assertThat(a.firewall.current().services()).as("five local services programmed").hasSize(5);
            a.localRequests.reset();

            a.comeBack(); // the cluster firewall reads everything again

            assertThat(a.localRequests.gets(ServiceStore.SERVICES)).as("no read of a service record one by one").isZero();
            assertThat(a.localRequests.ranges(ServiceStore.SERVICES)).as("one prefix read of them all").isEqualTo(1);
            assertThat(a.firewall.current().services()).as("this host's services still programmed").hasSize(5);
        }
    }

    /** Host a, with three endpoints on global network g. */
    private static FakeCluster.Host withThreeEndpoints(FakeCluster world) {
        FakeCluster.Host a = world.host("host-a", "192.0.2.1");
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        for (String name : java.util.List.of("e1", "e2", "e3")) {
            a.controller.createEndpoint("g", EndpointConfig.named(name));
        }
        return a;
    }

    @Test
    void aRestartWithinTheTtlClaimsNothingAgainWhenEveryEndpointWasClaimedUnderTheLease() throws Exception {
        try (FakeCluster world = new FakeCluster()) {
            FakeCluster.Host a = withThreeEndpoints(world);
            a.clusterRequests.countOnly(Thread.currentThread());
            a.clusterRequests.reset();

            a.restart();

            assertThat(a.clusterRequests.counts().txns()).as("no claim written again: the lease still holds them all").isZero();
            assertThat(world.cluster.keysUnder(a.lease.get().id())).as("and they are held")
                    .filteredOn(k -> k.contains("/names/endpoint/")).hasSize(3);
        }
    }

    @Test
    void aRestartWithinTheTtlRewritesNoBackendOfAGlobalService() throws Exception {
        try (FakeCluster world = new FakeCluster()) {
            FakeCluster.Host a = world.host("host-a", "192.0.2.1");
            a.controller.createNetwork(NetworkConfig.of("g", "global"));
            var e = a.controller.createEndpoint("g", EndpointConfig.named("ta"));
            a.controller.createSandbox("ta");
            a.controller.join(e.id(), "ta");
            a.controller.services().create(io.netmgr.core.service.ServiceSpec.of("web", "g"));
            a.controller.services().attach("web", "ta");
            a.clusterRequests.countOnly(Thread.currentThread());
            a.clusterRequests.reset();

            a.restart();

            assertThat(a.clusterRequests.counts().txns()).as("the backend's key is still held: no other host sees it change")
                    .isZero();
            assertThat(a.controller.services().backends("web")).hasSize(1);
        }
    }

    @Test
    void aRestartUnderALeaseGrantedWhileClaimingClaimsEverythingAgain() throws Exception {
        try (FakeCluster world = new FakeCluster()) {
            FakeCluster.Host a = withThreeEndpoints(world);
            a.loseLease();
            // a new lease, and the process killed before its claims under it were made (no resync ran)
            a.lease.set(world.cluster.grantLease(Duration.ofSeconds(2), () -> { }));

            a.restart(); // within the new lease's TTL: it is resumed, yet holds nothing yet

            assertThat(world.cluster.keysUnder(a.lease.get().id())).as("every name claimed again under the new lease")
                    .filteredOn(k -> k.contains("/names/endpoint/")).hasSize(3);
        }
    }
}
