package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.fake.FakeCluster;
import io.netmgr.core.fake.Faults;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.store.CountingStore;
import io.netmgr.netlink.addr.IpPrefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A process killed while creating a global network, after its pool was granted in the cluster
 * and before the network was stored: its next start gives the pool back, so the subnet is free
 * again for every host; a pool another host granted stays. A host that never comes back has
 * another host give its grants back ({@code node rm}).
 */
class UnfinishedGrantsTest {
    private final FakeCluster world = new FakeCluster();
    private final FakeCluster.Host a = world.host("host-a", "192.0.2.1");
    private final FakeCluster.Host b = world.host("host-b", "192.0.2.2");

    @AfterEach
    void close() throws Exception {
        world.close();
    }

    @Test
    void aPoolGrantedByAProcessKilledBeforeTheCommitIsGivenBackAtItsNextStart() {
        world.faults.crashOn("driver createNetwork g1"); // after the pools, before the commit
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "10.70.0.0/24"))).isInstanceOf(Faults.InjectedCrash.class);
        assertThat(world.clusterIpam.pools()).extracting(Pool::owner).as("granted, the network never stored").contains("g1");
        // before: every host was refused the subnet for good, as overlapping network g1, which does not exist
        assertThatThrownBy(() -> b.controller.createNetwork(global("g2", "10.70.0.0/24"))).hasMessageContaining("overlaps");

        b.controller.createNetwork(global("kept", "10.71.0.0/24"));
        a.restart();

        assertThat(world.clusterIpam.pools()).extracting(Pool::owner).containsExactly("kept");
        assertThat(a.controller.startupRepairs()).contains("released pool 10.70.0.0/24 of network g1: its creation was cut short");
        assertThat(b.controller.createNetwork(global("g2", "10.70.0.0/24")).pools()).hasSize(1);
        assertThat(world.cluster.range(UnfinishedGrants.ROOT + "host-a/")).as("no note left").isEmpty();
    }

    @Test
    void anotherHostGivesBackTheGrantsOfAHostThatNeverComesBack() {
        world.faults.crashOn("driver createNetwork g1");
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "10.74.0.0/24"))).isInstanceOf(Faults.InjectedCrash.class);
        b.controller.createNetwork(global("kept", "10.75.0.0/24"));

        // what node rm does once it has forgotten host-a
        assertThat(b.controller.releaseGrantsOfForgottenHost("host-a"))
                .containsExactly("released pool 10.74.0.0/24 of network g1: its creation was cut short");

        assertThat(world.clusterIpam.pools()).extracting(Pool::owner).containsExactly("kept");
        assertThat(world.cluster.range(UnfinishedGrants.ROOT)).as("no note left").isEmpty();
        assertThat(b.controller.releaseGrantsOfForgottenHost("host-a")).as("nothing twice").isEmpty();
        assertThat(b.controller.createNetwork(global("g2", "10.74.0.0/24")).pools()).hasSize(1);
    }

    @Test
    void aStoredOrRefusedCreationLeavesNoNote() {
        a.controller.createNetwork(global("g1", "10.72.0.0/24"));
        assertThat(world.cluster.range(UnfinishedGrants.ROOT)).as("deleted in the network's own transaction").isEmpty();
        assertThatThrownBy(() -> a.controller.createNetwork(global("g3", "10.72.0.0/25"))).hasMessageContaining("overlaps");
        assertThat(world.cluster.range(UnfinishedGrants.ROOT + "host-a/")).isEmpty();
        a.controller.createNetwork(global("g4", "10.73.0.0/24"));
        a.restart();
        assertThat(world.cluster.range(UnfinishedGrants.ROOT + "host-a/")).isEmpty();
        assertThat(world.clusterIpam.pools()).extracting(Pool::owner).containsExactlyInAnyOrder("g1", "g4");
    }

    @Test
    void aPoolAnotherHostIsCreatingUnderTheSameNameIsLeftAlone() {
        world.faults.crashOn("driver createNetwork g1");
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "10.76.0.0/24"))).isInstanceOf(Faults.InjectedCrash.class);
        // host-b is creating its own g1 at this moment: noted, its pool granted, the network not stored yet
        String bNote = UnfinishedGrants.ROOT + "host-b/networks/" + "b".repeat(64);
        world.cluster.txn().put(bNote, StateStore.text("g1")).commit();
        Pool bPool = world.clusterIpam.requestPool(PoolRequest.of("g1", IpamConfig.of(IpPrefix.parse("10.77.0.0/24"))));

        a.restart();

        assertThat(world.clusterIpam.pools()).as("host-b's pool stays granted").contains(bPool);
        assertThat(world.cluster.range(UnfinishedGrants.ROOT + "host-a/")).as("kept for a later start").hasSize(1);
        // host-b's creation ends (undone here): host-a's next start gives back its own pool
        world.clusterIpam.releasePool(bPool.id());
        world.cluster.txn().delete(bNote).commit();
        a.restart();
        assertThat(world.clusterIpam.pools()).isEmpty();
        assertThat(world.cluster.range(UnfinishedGrants.ROOT)).isEmpty();
    }

    @Test
    void aLocalNetworkOnTheSameSubnetDoesNotKeepALeakedClusterPool() {
        world.faults.crashOn("driver createNetwork g1");
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "10.78.0.0/24"))).isInstanceOf(Faults.InjectedCrash.class);
        // a local bridge on the same subnet: its pool, from the host's own IPAM, has the same id
        a.controller.createNetwork(NetworkConfig.of("l1", "fake").withIpam(IpamConfig.of(IpPrefix.parse("10.78.0.0/24"))));

        a.restart();

        assertThat(world.clusterIpam.pools()).as("the cluster pool given back").isEmpty();
        assertThat(a.controller.startupRepairs()).contains("released pool 10.78.0.0/24 of network g1: its creation was cut short");
    }

    @Test
    void aCreateRefusedForItsSubnetWritesNothingToTheClusterStore() {
        CountingStore.Counts before = a.clusterRequests.counts();
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "127.0.0.0/16"))).hasMessageContaining("(loopback)");
        assertThatThrownBy(() -> a.controller.createNetwork(global("g2", "fd00:1::/64"))).hasMessageContaining("IPv6 is not enabled");
        assertThat(a.clusterRequests.counts().minus(before).txns()).as("no note written, nor deleted").isZero();
    }

    @Test
    void notesNodeRmLeftBehindAreGivenBackByTheNextHostToStart() {
        world.faults.crashOn("driver createNetwork g1");
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "10.79.0.0/24"))).isInstanceOf(Faults.InjectedCrash.class);
        // node rm forgot host-a (its membership gone), and its release failed before giving anything back
        world.cluster.txn().delete(HostRegistry.MEMBERS + "host-a").commit();

        b.restart();

        assertThat(world.clusterIpam.pools()).isEmpty();
        assertThat(b.controller.startupRepairs()).contains("released pool 10.79.0.0/24 of network g1: its creation was cut short");
        assertThat(world.cluster.range(UnfinishedGrants.ROOT)).as("no note left").isEmpty();
    }

    @Test
    void aMemberHostsNotesAreLeftToItself() {
        world.faults.crashOn("driver createNetwork g1");
        assertThatThrownBy(() -> a.controller.createNetwork(global("g1", "10.81.0.0/24"))).isInstanceOf(Faults.InjectedCrash.class);
        b.restart();
        assertThat(world.clusterIpam.pools()).as("host-a may still be creating it, as far as host-b knows").hasSize(1);
        assertThat(world.cluster.range(UnfinishedGrants.ROOT + "host-a/")).hasSize(1);
    }

    private static NetworkConfig global(String name, String subnet) {
        return NetworkConfig.of(name, "global").withIpam(IpamConfig.of(IpPrefix.parse(subnet)));
    }
}
