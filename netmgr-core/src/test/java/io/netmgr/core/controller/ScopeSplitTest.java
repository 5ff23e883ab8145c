package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.fake.FakeCluster;
import io.netmgr.core.fake.FakeDriver;
import io.netmgr.core.fake.FakeIpam;
import io.netmgr.core.fake.FakeKernel;
import io.netmgr.core.fake.Faults;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Withdrawal;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The split between the host's store and the cluster store, on fakes: two hosts, each with its
 * own store, kernel and drivers, share a cluster store and IPAM. Networks of the global driver
 * and their endpoints live in the cluster store, local ones never leave the host's.
 */
class ScopeSplitTest {
    private final FakeCluster world = new FakeCluster();
    private final Faults faults = world.faults;
    private final MemoryStore cluster = world.cluster;
    private final FakeIpam clusterIpam = world.clusterIpam;
    private final FakeCluster.Host a = world.host("host-a", "192.0.2.1");
    private final FakeCluster.Host b = world.host("host-b", "192.0.2.2");

    @AfterEach
    void close() throws Exception {
        world.close();
    }

    @Test
    void aGlobalNetworkLivesInTheClusterStoreAndIsTheSameOnEveryHost() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Network l = a.controller.createNetwork(NetworkConfig.of("l", "fake"));

        assertThat(cluster.get("/netmgr/global/networks/" + g.id())).isPresent();
        assertThat(a.local.get("/netmgr/networks/" + g.id())).isEmpty();
        assertThat(a.local.get("/netmgr/networks/" + l.id())).isPresent();
        assertThat(cluster.range("/netmgr/global/networks/")).hasSize(1);
        assertThat(b.controller.network("g").id()).isEqualTo(g.id());
        assertThat(b.controller.network(g.id().substring(0, 12)).name()).as("an id prefix resolves on any host").isEqualTo("g");
        assertThatThrownBy(() -> b.controller.network("l")).hasMessage("network l not found");
        assertThatThrownBy(() -> b.controller.createNetwork(NetworkConfig.of("g", "fake")))
                .as("a local network may not take a global one's name").hasMessage("network with name g already exists");
    }

    @Test
    void endpointsOnAGlobalNetworkAreFiledUnderTheirHostAndPublishedInTheJoinsTransaction() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Endpoint e = a.controller.createEndpoint("g", EndpointConfig.named("e"));
        Endpoint f = b.controller.createEndpoint("g", EndpointConfig.named("f"));
        assertThat(cluster.get("/netmgr/global/hosts/host-a/endpoints/" + e.id())).isPresent();
        assertThat(a.controller.endpoints()).extracting(Endpoint::name).containsExactly("e");
        assertThat(b.controller.endpointsOn(g.id())).extracting(Endpoint::name).containsExactly("f");
        assertThat(e.ips()).doesNotContainAnyElementsOf(f.ips());
        assertThatThrownBy(() -> b.controller.createEndpoint("g", EndpointConfig.named("e")))
                .as("endpoint names are unique in the network on every host").hasMessageContaining("endpoint with name e already exists");

        String peer = "/netmgr/global/peers/" + g.id() + "/" + e.id();
        a.controller.createSandbox("s");
        long before = cluster.revision();
        a.controller.join(e.id(), "s");
        assertThat(cluster.revision()).as("the endpoint and its peer entry: one transaction").isEqualTo(before + 1);
        assertThat(cluster.get(peer)).isPresent();
        assertThat(cluster.get(peer).orElseThrow().valueAsString()).contains("192.0.2.1");

        a.controller.leave(e.id());
        assertThat(cluster.get(peer)).as("withdrawn in the leave's transaction").isEmpty();
        a.controller.join(e.id(), "s");
        a.controller.deleteSandbox("s");
        assertThat(cluster.get(peer)).isEmpty();
        assertThat(cluster.get("/netmgr/global/hosts/host-a/endpoints/" + e.id())).as("deleted with its sandbox").isEmpty();
    }

    @Test
    void removingAGlobalNetworkIsRefusedWhileAnyHostHasAnEndpointOnIt() {
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Endpoint f = b.controller.createEndpoint("g", EndpointConfig.named("f"));
        assertThatThrownBy(() -> a.controller.deleteNetwork("g")).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("has active endpoints on host(s) host-b (192.0.2.2); disconnect them first");
        b.controller.deleteEndpoint(f.id());
        a.controller.deleteNetwork("g");
        assertThat(cluster.range("/netmgr/global/")).isEmpty();
        assertThat(clusterIpam.grants().pools()).isEmpty();
    }

    @Test
    void aDeadHostsNamesAndIndexEntriesGoWithItsLeaseAndItsEndpointsComeBackWithANewOne() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Endpoint e = a.controller.createEndpoint("g", EndpointConfig.named("e"));
        a.controller.createSandbox("s");
        a.controller.join(e.id(), "s");
        String peer = "/netmgr/global/peers/" + g.id() + "/" + e.id();
        assertThatThrownBy(() -> b.controller.deleteNetwork("g")).hasMessageContaining("host-a");

        a.loseLease();
        assertThat(cluster.get(peer)).isEmpty();
        assertThat(cluster.get("/netmgr/global/names/endpoint/" + g.id() + "/e")).as("its name is free").isEmpty();
        assertThat(cluster.range("/netmgr/global/attached/" + g.id() + "/")).as("network rm no longer waits for it").isEmpty();
        assertThat(cluster.get("/netmgr/global/hosts/host-a/endpoints/" + e.id())).as("the host's own record stays").isPresent();

        a.comeBack();
        assertThat(cluster.get(peer)).as("published again").isPresent();
        assertThat(cluster.get("/netmgr/global/names/endpoint/" + g.id() + "/e").orElseThrow().valueAsString()).isEqualTo(e.id());
        assertThatThrownBy(() -> b.controller.deleteNetwork("g")).hasMessageContaining("host-a");
        a.loseLease();
        assertThat(cluster.get(peer)).as("under the new lease, gone with it").isEmpty();
    }

    @Test
    void anEndpointWhoseNameWasTakenWhileItsHostWasAwayIsWithdrawnFromThatHost() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Endpoint kept = a.controller.createEndpoint("g", EndpointConfig.named("kept"));
        Endpoint lost = a.controller.createEndpoint("g", EndpointConfig.named("e"));
        a.controller.createSandbox("s");
        a.controller.join(lost.id(), "s");
        a.loseLease();
        Endpoint taker = b.controller.createEndpoint("g", EndpointConfig.named("e"));

        a.comeBack();

        assertThat(a.controller.endpoints()).extracting(Endpoint::name).containsExactly("kept");
        assertThat(cluster.get("/netmgr/global/peers/" + g.id() + "/" + lost.id())).as("never published again").isEmpty();
        assertThat(cluster.get("/netmgr/global/names/endpoint/" + g.id() + "/e").orElseThrow().valueAsString())
                .as("the name stays the taker's").isEqualTo(taker.id());
        assertThat(cluster.get("/netmgr/global/attached/" + g.id() + "/" + kept.id()).orElseThrow().valueAsString()).isEqualTo("host-a");
        assertThat(cluster.get("/netmgr/global/attached/" + g.id() + "/" + lost.id())).isEmpty();
        assertThat(a.controller.sandbox("s").id()).as("the sandbox stays, without the endpoint").isNotNull();
    }

    @Test
    void anEndpointWhoseAddressWasTakenWhileItsHostWasAwayIsWithdrawnVisiblyOnItsSandboxAndToListeners() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        List<Withdrawal> heard = new ArrayList<>();
        a.controller.onWithdrawal(heard::add);
        Endpoint lost = a.controller.createEndpoint("g", EndpointConfig.named("e"));
        a.controller.createSandbox("s");
        a.controller.join(lost.id(), "s");
        a.loseLease();
        // the address was held under the lease and went with it (the fake IPAM keeps no leases: freed here, as etcd does)
        IpAddress address = lost.ips().get(0);
        clusterIpam.releaseAddress(g.pools().get(0).poolId(), address, lost.id());
        b.controller.createEndpoint("g", EndpointConfig.named("f").withIpv4(address.toString()));

        a.comeBack();

        assertThat(a.controller.endpoints()).isEmpty();
        Withdrawal w = a.controller.sandbox("s").withdrawn().get(0);
        assertThat(a.controller.sandbox("s").withdrawn()).hasSize(1);
        assertThat(w.state()).isEqualTo("withdrawn");
        assertThat(List.of(w.endpointId(), w.endpoint(), w.networkId(), w.network())).containsExactly(lost.id(), "e", g.id(), "g");
        assertThat(w.addresses()).containsExactly(address.toString());
        assertThat(w.reason()).startsWith("its address " + address + " on network g was taken while this host was away")
                .endsWith("; connect the sandbox again to get a new address");
        assertThat(heard).containsExactly(w);

        Endpoint again = a.controller.createEndpoint("g", EndpointConfig.named("e"));
        a.controller.join(again.id(), "s");
        assertThat(a.controller.sandbox("s").withdrawn()).as("connected again: the note goes").isEmpty();
    }

    @Test
    void anAddressTakenForAnEndpointNeverStoredIsGivenBackAtStartOnlyIfUnderThisHostsLease() {
        Network g = a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Endpoint kept = a.controller.createEndpoint("g", EndpointConfig.named("kept"));
        String pool = g.pools().get(0).poolId();
        // a process of host a killed between reserving an address and storing its endpoint: the lease holds it
        String neverStored = io.netmgr.core.Ids.newId();
        IpAddress leftover = clusterIpam.requestAddress(pool, AddressRequest.any(neverStored).heldUnder(Optional.of(a.lease.get())))
                .address();
        // host b in the middle of creating one at that moment: under b's lease, not a's to give back
        String inFlightOnB = io.netmgr.core.Ids.newId();
        IpAddress onB = clusterIpam.requestAddress(pool, AddressRequest.any(inFlightOnB).heldUnder(Optional.of(b.lease.get())))
                .address();
        // a service mesh address under a's lease: its owner is no endpoint
        IpAddress mesh = clusterIpam.requestAddress(pool, AddressRequest.any("mesh-host-a").heldUnder(Optional.of(a.lease.get())))
                .address();

        a.controller.createNetwork(NetworkConfig.of("g2", "global")); // a second pool of the same IPAM
        int listings = clusterIpam.leaseListings();

        a.controller.clusterListener().resync(); // what a restart within the TTL runs at start, as after a lost lease

        assertThat(clusterIpam.endpointAddresses(pool)).doesNotContainKey(leftover)
                .containsEntry(kept.ips().get(0), kept.id()).containsEntry(onB, inFlightOnB).containsEntry(mesh, "mesh-host-a");
        assertThat(clusterIpam.leaseListings() - listings).as("the lease's addresses listed once, not once per network or pool")
                .isEqualTo(1);
    }

    @Test
    void withdrawalsMadeBeforeAnyoneListenedAreToldToTheFirstListener() {
        a.controller.createNetwork(NetworkConfig.of("g", "global"));
        Endpoint lost = a.controller.createEndpoint("g", EndpointConfig.named("e"));
        a.loseLease();
        b.controller.createEndpoint("g", EndpointConfig.named("e"));
        a.comeBack(); // not joined: nothing to note on a sandbox, but still told

        List<Withdrawal> heard = new ArrayList<>();
        a.controller.onWithdrawal(heard::add);
        assertThat(heard).extracting(Withdrawal::endpointId).containsExactly(lost.id());
        List<Withdrawal> later = new ArrayList<>();
        a.controller.onWithdrawal(later::add);
        assertThat(later).as("told once").isEmpty();
    }

    @Test
    void withoutAClusterStoreAGlobalNetworkIsRefusedBeforeAnythingIsStored() {
        FakeKernel kernel = new FakeKernel(faults);
        MemoryStore alone = new MemoryStore();
        FakeIpam ipam = new FakeIpam(faults);
        DriverRegistry drivers = new DriverRegistry().register(new FakeDriver("global", faults, Scope.GLOBAL));
        try (NetworkController c = NetworkController.builder(kernel, alone, ipam, drivers).sandboxNamespaces(kernel).build()) {
            long revision = alone.revision();
            assertThatThrownBy(() -> c.createNetwork(NetworkConfig.of("g", "global"))).isInstanceOf(NetmgrException.class)
                    .hasMessage("network g: driver global makes networks that span hosts and needs a cluster store, which this"
                            + " host has none of; start netmgrd with --cluster-store etcd://HOST:PORT --advertise-addr IP"
                            + " (this host's underlay address)");
            assertThat(alone.revision()).isEqualTo(revision);
            assertThat(ipam.grants().pools()).isEmpty();
        }
    }
}
