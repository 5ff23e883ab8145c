package io.netmgr.core.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.fake.FakeCluster;
import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.netlink.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services on global networks, on fakes: two hosts sharing a cluster store. The service lives in
 * the cluster store (every host lists it), each host attaches its own sandboxes, the backends are
 * filed under their host's lease, and a service mixing scopes is refused.
 */
class GlobalServicesTest {
    private final FakeCluster world = new FakeCluster();
    private final FakeCluster.Host a = world.host("host-a", "192.0.2.1");
    private final FakeCluster.Host b = world.host("host-b", "192.0.2.2");

    @AfterEach
    void close() throws Exception {
        world.close();
    }

    /** A sandbox {@code name} on host {@code h}, joined to network {@code net}. */
    private static Endpoint running(FakeCluster.Host h, String net, String name) {
        Network network = h.controller.network(net);
        // a global network is made on a host lazily, with its first endpoint there (as the overlay's data plane)
        var driver = (io.netmgr.core.fake.FakeDriver) h.controller.driverOf(network);
        if (!driver.made().networks().contains(network.id())) {
            driver.createNetwork(h.controller.host(), network);
        }
        Endpoint e = h.controller.createEndpoint(net, EndpointConfig.named(name));
        h.controller.createSandbox(name);
        return h.controller.join(e.id(), name);
    }

    /** Service web on global network g, with backend ta (a sandbox of host a) and tb (host b's). */
    private Service webWithABackendOnEachHost() {
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Service web = a.controller.services().create(ServiceSpec.of("web", "g"));
        running(a, "g", "ta");
        running(b, "g", "tb");
        a.controller.services().attach("web", "ta");
        b.controller.services().attach("web", "tb");
        return web;
    }

    @Test
    void aServiceOnAGlobalNetworkLivesInTheClusterStoreAndEveryHostListsIt() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Service web = a.controller.services().create(ServiceSpec.of("web", "g"));

        assertThat(world.cluster.get(ServiceStore.GLOBAL_SERVICES + web.id())).isPresent();
        assertThat(a.local.range("/netmgr/services/")).isEmpty();
        assertThat(b.controller.services().services()).extracting(Service::name).containsExactly("web");
        assertThat(b.controller.services().service(web.id().substring(0, 12)).name()).isEqualTo("web");
        assertThat(world.clusterIpam.grants().addresses().values()).as("its VIP from the cluster's IPAM")
                .anyMatch(granted -> web.id().equals(granted.get(web.vipOn(g.id()).orElseThrow().address().address())));
        assertThatThrownBy(() -> b.controller.services().create(ServiceSpec.of("web", "g")))
                .as("a global service's name is unique in the cluster").hasMessageContaining("already exists");
    }

    @Test
    void eachHostAttachesItsOwnSandboxesAndEveryHostSeesEveryBackendWithItsHost() {
        Service web = webWithABackendOnEachHost();

        for (FakeCluster.Host h : java.util.List.of(a, b)) {
            ServiceController services = h.controller.services();
            assertThat(services.backends("web")).extracting(ServiceBackend::sandboxName, ServiceBackend::host)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ta", "host-a"),
                            org.assertj.core.groups.Tuple.tuple("tb", "host-b"));
            assertThat(services.backends("web")).extracting(services.states(services.backends("web"))).containsOnly("running");
        }
        assertThatThrownBy(() -> b.controller.services().attach("web", "ta")).as("host b knows no sandbox ta")
                .hasMessageContaining("ta");

        // host b, attaching last, programs both backends, its own as local, host a's through the overlay
        ServiceRules onB = b.firewall.current().service(web.id()).orElseThrow();
        assertThat(onB.backends()).extracting(ServiceRules.Backend::sandboxId, ServiceRules.Backend::local)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(a.controller.sandbox("ta").id(), false),
                        org.assertj.core.groups.Tuple.tuple(b.controller.sandbox("tb").id(), true));
    }

    @Test
    void psReadsEachNetworksPeerEntriesOnceNotOnePerRemoteBackend() {
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        a.controller.services().create(ServiceSpec.of("web", "g"));
        for (String name : java.util.List.of("t1", "t2", "t3", "t4")) {
            running(b, "g", name);
            b.controller.services().attach("web", name);
        }
        java.util.List<ServiceBackend> backends = a.controller.services().backends("web");
        a.clusterRequests.countOnly(Thread.currentThread()); // not host a's watch, programming b's attachments meanwhile
        a.clusterRequests.reset();

        var states = a.controller.services().states(backends);

        assertThat(backends).extracting(states).containsOnly("running").hasSize(4);
        assertThat(a.clusterRequests.counts().reads()).as("one read of g's peer entries for host b's four backends").isEqualTo(1);
    }

    /** Waits (a generous deadline, for a loaded machine) until {@code check} passes, failing with its last error. */
    private static void eventually(Runnable check) {
        Eventually.passes(java.time.Duration.ofSeconds(20), check);
    }

    /** The sandbox ids of the backends host {@code h}'s firewall balances service {@code id} over, with whether each is local. */
    private static java.util.Map<String, Boolean> programmed(FakeCluster.Host h, String id) {
        return h.firewall.current().service(id).map(r -> r.backends().stream()
                .collect(java.util.stream.Collectors.toMap(ServiceRules.Backend::sandboxId, ServiceRules.Backend::local)))
                .orElse(java.util.Map.of());
    }

    @Test
    void changesOnOneHostReachTheOtherHostsFirewallByTheWatchAlone() {
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Service web = b.controller.services().create(ServiceSpec.of("web", "g")
                .withPorts(ServicePort.parse("8080:80", PublishMode.INGRESS)));
        eventually(() -> assertThat(a.firewall.current().service(web.id())).as("created on b, programmed on a").isPresent());
        String ta = running(a, "g", "ta").sandboxId();
        String tb = running(b, "g", "tb").sandboxId();
        a.controller.services().attach("web", "ta");
        b.controller.services().attach("web", "tb");
        eventually(() -> assertThat(programmed(a, web.id())).isEqualTo(java.util.Map.of(ta, true, tb, false)));
        eventually(() -> assertThat(programmed(b, web.id())).isEqualTo(java.util.Map.of(ta, false, tb, true)));

        b.controller.leave(b.controller.findEndpoint(b.controller.network("g").id(), "tb").orElseThrow().id());
        eventually(() -> assertThat(programmed(a, web.id())).as("tb's container left: its peer entry went").isEqualTo(java.util.Map.of(ta, true)));

        b.controller.services().publish("web", ServicePort.parse("mode=host,9090:90", PublishMode.INGRESS));
        eventually(() -> assertThat(a.firewall.current().service(web.id()).orElseThrow().ports()).hasSize(2));

        b.controller.services().remove("web");
        eventually(() -> assertThat(a.firewall.current().service(web.id())).as("removed on b, gone on a").isEmpty());
    }

    @Test
    void aDeadHostsBackendsLeaveTheOtherHostsRulesWithItsLease() {
        Service web = webWithABackendOnEachHost();
        String ta = a.controller.sandbox("ta").id();
        String tb = b.controller.sandbox("tb").id();
        eventually(() -> assertThat(programmed(a, web.id())).isEqualTo(java.util.Map.of(ta, true, tb, false)));

        b.loseLease();

        eventually(() -> assertThat(programmed(a, web.id())).isEqualTo(java.util.Map.of(ta, true)));
    }

    /** Host {@code h}'s mesh address on network {@code networkId}, as its firewall knows it, or null. */
    private static io.netmgr.netlink.addr.IpAddress meshAddress(FakeCluster.Host h, String networkId) {
        return h.firewall.current().network(networkId).map(io.netmgr.core.firewall.NetworkRules::meshAddress).orElse(null);
    }

    @Test
    void everyHostHoldsAMeshAddressOfItsOwnUnderItsLeaseWhileAServiceBalancesOnTheNetwork() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        a.controller.services().create(ServiceSpec.of("web", "g"));
        String mesh = "/netmgr/global/mesh/" + g.id() + "/";
        eventually(() -> assertThat(world.cluster.range(mesh)).hasSize(2));
        eventually(() -> assertThat(meshAddress(a, g.id())).isNotNull());
        eventually(() -> assertThat(meshAddress(b, g.id())).isNotNull().isNotEqualTo(meshAddress(a, g.id())));
        assertThat(world.cluster.get("/netmgr/global/peers/" + g.id() + "/mesh-host-b")).as("other hosts reach it as a peer")
                .isPresent();
        var held = world.clusterIpam.grants().addresses().values().stream().flatMap(m -> m.values().stream()).toList();
        assertThat(held).contains("mesh-host-a", "mesh-host-b");

        b.loseLease();
        assertThat(world.cluster.get(mesh + "host-b")).as("its record goes with its lease").isEmpty();
        assertThat(world.cluster.get("/netmgr/global/peers/" + g.id() + "/mesh-host-b")).isEmpty();

        a.controller.services().remove("web");
        eventually(() -> assertThat(meshAddress(a, g.id())).as("no service left on the network: a leaves the mesh").isNull());
        assertThat(world.cluster.get(mesh + "host-a")).isEmpty();
        assertThat(world.clusterIpam.grants().addresses().values().stream().flatMap(m -> m.values().stream()))
                .doesNotContain("mesh-host-a");
    }

    @Test
    void aHostBackAfterLosingItsLeaseClaimsItsBackendsAgain() {
        Service web = webWithABackendOnEachHost();
        String ta = a.controller.sandbox("ta").id();
        String tb = b.controller.sandbox("tb").id();
        b.loseLease();
        eventually(() -> assertThat(programmed(a, web.id())).isEqualTo(java.util.Map.of(ta, true)));

        b.comeBack(); // registered again: its endpoint and its backend are claimed under the new lease

        assertThat(a.controller.services().backends("web")).extracting(ServiceBackend::sandboxName)
                .containsExactlyInAnyOrder("ta", "tb");
        eventually(() -> assertThat(programmed(a, web.id())).isEqualTo(java.util.Map.of(ta, true, tb, false)));
        b.controller.services().detach("web", "tb");
        assertThat(b.local.range("/netmgr/held-backends/")).as("detached: nothing to claim again").isEmpty();
    }

    @Test
    void aDeadHostsBackendsGoWithItsLease() {
        webWithABackendOnEachHost();

        b.loseLease();

        assertThat(a.controller.services().backends("web")).extracting(ServiceBackend::sandboxName).containsExactly("ta");
        assertThat(world.cluster.range("/netmgr/global/backend-of/")).hasSize(1);
    }

    @Test
    void aServiceMixingLocalAndGlobalNetworksIsRefusedAndChangesNothing() {
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        a.controller.createNetwork(NetworkConfig.of("l", "fake"));
        long cluster = world.cluster.revision();
        long local = a.local.revision();

        assertThatThrownBy(() -> a.controller.services().create(ServiceSpec.of("mixed", "g", "l")))
                .hasMessageContaining("mixes global networks [g]").hasMessageContaining("local networks [l]");

        assertThat(world.cluster.revision()).isEqualTo(cluster);
        assertThat(a.local.revision()).isEqualTo(local);
        assertThat(a.controller.services().services()).isEmpty();
    }

    @Test
    void removedFromAnotherHostLeavesNothingInTheClusterStore() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        a.controller.services().create(ServiceSpec.of("web", "g")
                .withPorts(ServicePort.parse("8080:80", PublishMode.INGRESS)));
        running(a, "g", "ta");
        a.controller.services().attach("web", "ta");
        assertThatThrownBy(() -> b.controller.deleteNetwork("g")).as("the service holds its network")
                .hasMessageContaining("service web");

        b.controller.services().remove("web");

        assertThat(world.cluster.range("/netmgr/global/services/")).isEmpty();
        assertThat(world.cluster.range("/netmgr/global/service-backends/")).isEmpty();
        assertThat(world.cluster.range("/netmgr/global/backend-of/")).isEmpty();
        assertThat(world.cluster.range("/netmgr/global/names/service/")).isEmpty();
        assertThat(world.cluster.range("/netmgr/global/attached/" + g.id() + "/")).hasSize(1); // ta's endpoint alone
        assertThat(a.controller.services().services()).isEmpty();
    }
}
