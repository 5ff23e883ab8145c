package io.netmgr.overlay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.fake.FakeIpam;
import io.netmgr.core.fake.FakeKernel;
import io.netmgr.core.fake.Faults;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Creating overlay networks, without root: two hosts on fake kernels share a cluster store and
 * the real IPAM on it. Options, the VNI each network claims in the cluster, overlapping subnets;
 * every refusal leaves the cluster store as it was.
 */
class OverlayNetworksTest {
    private final Faults faults = new Faults();
    private final MemoryStore cluster = new MemoryStore();
    private final List<NetworkController> opened = new ArrayList<>();
    /** host-a's requests to the cluster store, counted. */
    private final CountingStore aCluster = new CountingStore(cluster);
    private final NetworkController a = host("host-a", "192.0.2.1", new FakeKernel(faults), aCluster);
    // host-b also routes a LAN of its own that host-a does not
    private final NetworkController b = host("host-b", "192.0.2.2", new FakeKernel(faults).route("10.70.0.0/24", "lan0"), cluster);

    private NetworkController host(String id, String address, FakeKernel kernel, Store cluster) {
        // each host routes the underlay, 192.0.2.0/24, through its eth0
        kernel.route("192.0.2.0/24", "eth0");
        NetworkController c = NetworkController.builder(kernel, new MemoryStore(), new FakeIpam(faults),
                        new DriverRegistry().register(new OverlayDriver())).sandboxNamespaces(kernel).reconcileAtStart(false) // it lists links: kernel work
                .clusterStore(cluster, new DefaultIpam(cluster, List::of, DefaultPools.cluster(IpPrefix.parse("fd77::/48"))))
                .hostId(id).advertiseAddress(IpAddress.parse(address)).build();
        opened.add(c);
        return c;
    }

    @AfterEach
    void close() {
        opened.forEach(NetworkController::close);
    }

    @Test
    void eachNetworkGetsAFreeVniClaimedInTheCluster() {
        Network first = a.createNetwork(NetworkConfig.of("o1", "overlay"));
        Network second = b.createNetwork(NetworkConfig.of("o2", "overlay"));
        assertThat(first.option("vxlan.id")).contains("4096");
        assertThat(second.option("vxlan.id")).as("chosen on another host, still free").contains("4097");
        assertThat(b.network("o1").option("vxlan.id")).contains("4096");
        assertThat(first.pools().get(0).subnet()).isEqualTo(IpPrefix.parse("10.0.0.0/24"));
        assertThat(second.pools().get(0).subnet()).as("pools come from one IPAM for all hosts").isEqualTo(IpPrefix.parse("10.0.1.0/24"));
    }

    @Test
    void aVniInUseIsRefusedNamingTheNetworkThatHoldsIt() {
        a.createNetwork(NetworkConfig.of("o1", "overlay").withOption("vxlan.id", "42"));
        List<String> before = contents();
        assertThatThrownBy(() -> b.createNetwork(NetworkConfig.of("o2", "overlay").withOption("vxlan.id", "42")))
                .isInstanceOf(NetmgrException.class)
                .hasMessage("network o2: vxlan.id 42 is already used by network o1; choose another or leave it out for a free one");
        assertThat(contents()).as("nothing stored, no pool left granted").isEqualTo(before);
    }

    @Test
    void badOptionsAreRefusedByName() {
        List<String> before = contents();
        assertThatThrownBy(() -> a.createNetwork(overlay("vxlan.id", "0"))).hasMessage(
                "network o: option vxlan.id=0 is not valid; give a number from 1 to 16777215");
        assertThatThrownBy(() -> a.createNetwork(overlay("vxlan.id", "16777216"))).hasMessageContaining("vxlan.id=16777216 is not valid");
        assertThatThrownBy(() -> a.createNetwork(overlay("vxlan.port", "http"))).hasMessage(
                "network o: option vxlan.port=http is not valid; give a number from 1 to 65535");
        assertThatThrownBy(() -> a.createNetwork(overlay("encrypted", ""))).hasMessageStartingWith(
                "network o: option encrypted asks for an encrypted overlay, which needs IPsec (ESP) in the kernel");
        assertThatThrownBy(() -> a.createNetwork(overlay("bridge.name", "br9"))).hasMessage(
                "network o: driver overlay does not take option bridge.name (an option of a local driver); it takes vxlan.id, vxlan.port and mtu");
        assertThatThrownBy(() -> a.createNetwork(overlay("colour", "blue"))).hasMessage(
                "network o: driver overlay does not take option colour; it takes vxlan.id, vxlan.port and mtu");
        assertThat(contents()).as("the cluster store as it was").isEqualTo(before);
    }

    @Test
    void aSubnetOverlappingAnotherGlobalNetworkIsRefused() {
        a.createNetwork(NetworkConfig.of("o1", "overlay").withIpam(IpamConfig.of(IpPrefix.parse("10.50.0.0/16"))));
        List<String> before = contents();
        assertThatThrownBy(() -> b.createNetwork(NetworkConfig.of("o2", "overlay").withIpam(IpamConfig.of(IpPrefix.parse("10.50.3.0/24")))))
                .hasMessage("pool 10.50.3.0/24 overlaps with network o1's pool 10.50.0.0/16; choose another --subnet");
        assertThat(contents()).isEqualTo(before);
    }

    @Test
    void aSubnetHoldingTheUnderlayOrAReservedRangeIsRefusedBeforeAnythingIsGranted() {
        // the hosts as the registry records them: on a real cluster each netmgrd registers itself
        cluster.txn().put("/netmgr/members/host-c", ("{\"hostId\":\"host-c\",\"hostname\":\"node-c\",\"advertiseAddress\":"
                + "\"198.18.0.3\",\"startedAt\":\"\",\"version\":\"\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)).commit();
        List<String> before = contents();
        // joined, each host's bridge would hold the gateway 192.0.2.1, host-a's own VTEP address:
        // the others would answer it themselves, and VXLAN to host-a would stop for every overlay
        assertThatThrownBy(() -> b.createNetwork(subnet("o1", "192.0.2.0/24"))).isInstanceOf(NetmgrException.class).hasMessage(
                "network o1: subnet 192.0.2.0/24 overlaps 192.0.2.0/24, which this host already routes through eth0; the network's"
                        + " route would compete with it and cut the host off from those addresses; choose another --subnet");
        // a host whose underlay this one does not route is still kept clear of
        assertThatThrownBy(() -> b.createNetwork(subnet("o2", "198.18.0.0/24"))).hasMessage(
                "network o2: subnet 198.18.0.0/24 holds 198.18.0.3, the advertise address of cluster host node-c; every host joining"
                        + " the network would hide that host's underlay address behind the network's gateway; choose a --subnet outside"
                        + " the underlay");
        assertThatThrownBy(() -> a.createNetwork(subnet("o3", "127.0.0.0/16"))).hasMessage(
                "network o3: subnet 127.0.0.0/16 overlaps 127.0.0.0/8 (loopback), which no network may use; choose another --subnet");
        assertThatThrownBy(() -> a.createNetwork(subnet("o4", "224.1.0.0/24"))).hasMessageContaining("(multicast)");
        assertThat(contents()).as("nothing granted, nothing stored").isEqualTo(before);
        assertThat(a.createNetwork(subnet("o5", "10.60.0.0/24")).pools()).hasSize(1);
    }

    @Test
    void aHostRoutingTheSubnetOnItsOwnLanIsRefusedItsFirstEndpointThere() {
        Network lan = a.createNetwork(subnet("o1", "10.70.0.0/24")); // host-a routes nothing there
        List<String> before = contents();
        assertThatThrownBy(() -> b.createEndpoint("o1", EndpointConfig.named("e1"))).isInstanceOf(NetmgrException.class).hasMessage(
                "network o1: its subnet 10.70.0.0/24 overlaps 10.70.0.0/24, which this host routes through lan0; joining the network"
                        + " here would make its route compete with that one and cut this host off from those addresses; connect on"
                        + " another host, free 10.70.0.0/24 on this host, or recreate the network with another --subnet");
        assertThat(contents()).as("no address granted, no endpoint stored").isEqualTo(before);
        assertThat(b.network("o1").id()).as("the network itself is untouched").isEqualTo(lan.id());
    }

    @Test
    void whetherAHostIsOnTheNetworkAlreadyCostsNoClusterRead() {
        a.createNetwork(subnet("o1", "10.71.0.0/24"));
        a.createEndpoint("o1", EndpointConfig.named("e1"));
        aCluster.reset();
        a.createEndpoint("o1", EndpointConfig.named("e2"));
        // before: the network's whole attachment index, read at every endpoint's create (O(endpoints) each)
        assertThat(aCluster.ranges(ScopedStore.GLOBAL + "attached/")).isZero();
    }

    @Test
    void twoSpellingsOfOneOptionWithDifferentValuesAreRefused() {
        List<String> before = contents();
        assertThatThrownBy(() -> a.createNetwork(overlay("vxlan.id", "5003").withOption(
                "com.docker.network.driver.overlay.vxlanid_list", "5004"))).hasMessage("network o: options vxlan.id=5003 and"
                + " com.docker.network.driver.overlay.vxlanid_list=5004 name the same setting with different values; give one of them");
        assertThatThrownBy(() -> a.createNetwork(overlay("mtu", "1400").withOption("com.docker.network.driver.mtu", "1300")))
                .hasMessageContaining("options mtu=1400 and com.docker.network.driver.mtu=1300 name the same setting");
        assertThat(contents()).isEqualTo(before);
        assertThat(a.createNetwork(overlay("vxlan.id", "5003").withOption("com.docker.network.driver.overlay.vxlanid_list", "5003"))
                .option("vxlan.id")).as("the same value twice is no contradiction").contains("5003");
    }

    @Test
    void theAllocatorTakesTheLowestFreeVniFrom4096ThenBelow() {
        assertThat(VniAllocator.choose(Set.of())).hasValue(4096);
        assertThat(VniAllocator.choose(Set.of("4096", "4098"))).hasValue(4097);
    }

    private List<String> contents() {
        return cluster.range("/").stream().map(kv -> kv.key() + "=" + kv.valueAsString()).toList();
    }

    private static NetworkConfig subnet(String name, String subnet) {
        return NetworkConfig.of(name, "overlay").withIpam(IpamConfig.of(IpPrefix.parse(subnet)));
    }

    private static NetworkConfig overlay(String option, String value) {
        return NetworkConfig.of("o", "overlay").withOption(option, value);
    }
}
