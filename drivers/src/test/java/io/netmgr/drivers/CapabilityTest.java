package io.netmgr.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.PassiveDriver;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What each driver says it can do, which callers (the controller, the CNI plugin) ask instead of its name. */
class CapabilityTest {
    private final DriverRegistry drivers = DriverRegistry.fromClassPath();

    @Test
    void onlyTheBridgeShapesTrafficAndHoldsAGateway() {
        NetworkDriver bridge = drivers.get("bridge");
        assertThat(bridge.capability().dataScope()).isEqualTo(Scope.LOCAL);
        assertThat(bridge.capability().shapesTraffic()).isTrue();
        assertThat(bridge.capability().holdsGateway()).isTrue();
        for (String name : List.of("macvlan", "host", "none")) {
            assertThat(drivers.get(name).capability().shapesTraffic()).as(name).isFalse();
            assertThat(drivers.get(name).capability().dataScope()).as(name).isEqualTo(Scope.LOCAL);
        }
        assertThat(drivers.get("macvlan").capability().requiredOptions()).containsExactly("parent");
        assertThat(drivers.get("host")).isInstanceOf(PassiveDriver.class);
        assertThat(drivers.get("none")).isInstanceOf(PassiveDriver.class);
    }

    @Test
    void aBridgeWithoutGatewayNamesNoGatewayToRouteThrough() {
        NetworkDriver bridge = drivers.get("bridge");
        assertThat(bridge.gateways(network(Map.of()))).containsExactly(IpAddress.parse("10.5.0.1"));
        assertThat(bridge.gateways(network(Map.of("bridge.gateway", "false")))).isEmpty();
        assertThat(drivers.get("macvlan").gateways(network(Map.of("parent", "eth0")))).containsExactly(IpAddress.parse("10.5.0.1"));
        assertThat(bridge.networkLink(network(Map.of("bridge.name", "br-x")))).contains("br-x");
        assertThat(drivers.get("macvlan").networkLink(network(Map.of("parent", "eth0")))).isEmpty();
    }

    @Test
    void cniKeysMapOntoEachDriversOptions() {
        var bridge = drivers.get("bridge").cniMapping().orElseThrow();
        assertThat(bridge.keys()).containsEntry("bridge", "bridge.name").containsEntry("isGateway", "bridge.gateway")
                .containsEntry("ipMasq", "masquerade").containsEntry("hairpinMode", "hairpin");
        assertThat(bridge.defaults()).containsEntry("masquerade", "false").containsEntry("hairpin", "false");
        var macvlan = drivers.get("macvlan").cniMapping().orElseThrow();
        assertThat(macvlan.keyOf("parent")).isEqualTo("master");
        assertThat(drivers.get("host").cniMapping()).isEmpty();
    }

    private static Network network(Map<String, String> options) {
        IpPrefix subnet = IpPrefix.parse("10.5.0.0/24");
        NetworkPool pool = NetworkPool.of(new Pool("10.5.0.0-24", "n", IpamConfig.of(subnet).withGateway(IpAddress.parse("10.5.0.1"))));
        return new Network("e".repeat(64), "n", "bridge", List.of(pool), options, Map.of(), false, true, false, false,
                "2026-01-01T00:00:00Z");
    }
}
