package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Networks as the store keeps them: a pool's IP range and auxiliary addresses, and records written before they were kept. */
class StoredNetworkTest {
    private final StateStore state = new StateStore(new MemoryStore());

    @Test
    void aPoolKeepsItsRangeAndAuxiliaryAddresses() {
        IpamConfig config = IpamConfig.of(IpPrefix.parse("10.1.0.0/24")).withIpRange(IpPrefix.parse("10.1.0.128/25"))
                .withGateway(IpAddress.parse("10.1.0.1")).withAuxiliaryAddress("nas", IpAddress.parse("10.1.0.7"));
        NetworkPool pool = NetworkPool.of(new Pool("10.1.0.0-24", "n", config));
        Network n = new Network("a".repeat(64), "n", "bridge", List.of(pool), Map.of(), Map.of(), false, true, false, false,
                "2026-01-01T00:00:00Z");
        state.txn().put(state.keyOf(n), StateStore.encode(n)).commit();

        NetworkPool read = state.get(StateStore.NETWORKS, n.id(), Network.class).orElseThrow().pools().get(0);
        assertThat(read.ranges()).containsExactly(AddressRange.of(IpPrefix.parse("10.1.0.128/25")));
        assertThat(read.rangeText()).contains("10.1.0.128/25");
        assertThat(read.auxiliaryAddresses()).containsExactly(Map.entry("nas", IpAddress.parse("10.1.0.7")));
        assertThat(read).isEqualTo(pool);
    }

    @Test
    void aNetworkStoredBeforeRangesWereKeptReadsWithoutThem() {
        String id = "b".repeat(64);
        String old = "{\"id\":\"" + id + "\",\"name\":\"old\",\"driver\":\"bridge\",\"pools\":[{\"poolId\":\"10.2.0.0-24\","
                + "\"subnet\":\"10.2.0.0/24\",\"gateway\":\"10.2.0.1\"}],\"options\":{},\"labels\":{},\"internal\":false,"
                + "\"attachable\":true,\"enableIpv6\":false,\"predefined\":false,\"created\":\"2026-01-01T00:00:00Z\"}";
        state.txn().put(StateStore.NETWORKS + id, old.getBytes(StandardCharsets.UTF_8)).commit();

        NetworkPool read = state.get(StateStore.NETWORKS, id, Network.class).orElseThrow().pools().get(0);
        assertThat(read.subnet()).isEqualTo(IpPrefix.parse("10.2.0.0/24"));
        assertThat(read.gateway()).isEqualTo(IpAddress.parse("10.2.0.1"));
        assertThat(read.ranges()).isEmpty();
        assertThat(read.auxiliaryAddresses()).isEmpty();
    }

    @Test
    void aNetworkStoredAsTextReadsAsTypedValuesAndIsWrittenBackAsTheSameText() {
        String id = "c".repeat(64);
        // a dual-stack network as netmgr stored it before its addresses were typed
        String stored = "{\"id\":\"" + id + "\",\"name\":\"dual\",\"driver\":\"bridge\",\"pools\":["
                + "{\"poolId\":\"10.4.0.0-24\",\"subnet\":\"10.4.0.0/24\",\"gateway\":\"10.4.0.254\","
                + "\"ipRange\":\"10.4.0.10-10.4.0.20,10.4.0.128/25\",\"auxiliaryAddresses\":{\"nas\":\"10.4.0.7\"}},"
                + "{\"poolId\":\"fd00-4---64\",\"subnet\":\"fd00:4::/64\",\"gateway\":\"fd00:4::1\"}],"
                + "\"options\":{},\"labels\":{},\"internal\":false,\"attachable\":true,\"enableIpv6\":true,"
                + "\"predefined\":false,\"created\":\"2026-01-01T00:00:00Z\"}";
        state.txn().put(StateStore.NETWORKS + id, stored.getBytes(StandardCharsets.UTF_8)).commit();

        Network read = state.get(StateStore.NETWORKS, id, Network.class).orElseThrow();
        NetworkPool v4 = read.pools().get(0);
        assertThat(v4.family()).isEqualTo(IpFamily.V4);
        assertThat(v4.subnet()).isEqualTo(IpPrefix.parse("10.4.0.0/24"));
        assertThat(v4.gateway()).isEqualTo(IpAddress.parse("10.4.0.254"));
        assertThat(v4.gatewayAddress()).isEqualTo(IpNet.parse("10.4.0.254/24"));
        assertThat(v4.ranges()).containsExactly(AddressRange.parse("10.4.0.10-10.4.0.20"), AddressRange.parse("10.4.0.128/25"));
        assertThat(v4.auxiliaryAddresses()).containsExactly(Map.entry("nas", IpAddress.parse("10.4.0.7")));
        NetworkPool v6 = read.pools().get(1);
        assertThat(v6.family()).isEqualTo(IpFamily.V6);
        assertThat(v6.subnet()).isEqualTo(IpPrefix.parse("fd00:4::/64"));
        assertThat(v6.ranges()).isEmpty();
        assertThat(read.scope()).as("stored before networks had a scope: all were local").isEqualTo(Network.LOCAL);
        assertThat(new String(StateStore.encode(read), StandardCharsets.UTF_8))
                .isEqualTo(stored.substring(0, stored.length() - 1) + ",\"scope\":\"local\"}");
    }

    @Test
    void aPoolWithoutRangeIsStoredWithoutTheFields() {
        NetworkPool pool = NetworkPool.of(new Pool("10.3.0.0-24", "n",
                IpamConfig.of(IpPrefix.parse("10.3.0.0/24")).withGateway(IpAddress.parse("10.3.0.1"))));
        assertThat(new String(StateStore.encode(pool), StandardCharsets.UTF_8))
                .isEqualTo("{\"poolId\":\"10.3.0.0-24\",\"subnet\":\"10.3.0.0/24\",\"gateway\":\"10.3.0.1\"}");
    }
}
