package io.netmgr.core.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.ipam.IpAddress;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.qdisc.Tbf;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Routes and bandwidth limits as callers give them: checked at the edge, with the field in every refusal. */
class EndpointFeaturesTest {

    @Test
    void aRouteIsParsedFromTheCliFormAndGetsTheNetworksGateway() {
        Network n = network("10.61.0.0/24", "fd00:61::/64");
        assertThat(EndpointRoute.parse("10.99.0.0/16").resolvedOn(n)).isEqualTo(new EndpointRoute("10.99.0.0/16", "10.61.0.1"));
        assertThat(EndpointRoute.parse("fd00:99::/48").resolvedOn(n)).isEqualTo(new EndpointRoute("fd00:99::/48", "fd00:61::1"));
        assertThat(EndpointRoute.parse("0.0.0.0/0,via=10.61.0.254").resolvedOn(n))
                .isEqualTo(new EndpointRoute("0.0.0.0/0", "10.61.0.254"));
        assertThat(EndpointRoute.parse("0.0.0.0/0").isDefault()).isTrue();
    }

    @Test
    void badRoutesAreRefusedNamingTheRoute() {
        assertThatThrownBy(() -> EndpointRoute.parse("10.99.0.1/16")).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("bad route destination \"10.99.0.1/16\"");
        assertThatThrownBy(() -> EndpointRoute.parse("10.99.0.0/16,gw=10.0.0.1")).isInstanceOf(NetmgrException.class)
                .hasMessage("route \"10.99.0.0/16,gw=10.0.0.1\": write DESTINATION[,via=GATEWAY], e.g. 10.9.0.0/16,via=10.1.0.254");
        assertThatThrownBy(() -> EndpointRoute.parse("10.99.0.0/16,via=fd00::1")).isInstanceOf(NetmgrException.class)
                .hasMessage("route 10.99.0.0/16 via fd00::1 mixes IPv4 and IPv6; give a gateway of the destination's family");
        assertThatThrownBy(() -> EndpointRoute.parse("fd00:99::/48").resolvedOn(network("10.61.0.0/24")))
                .isInstanceOf(NetmgrException.class)
                .hasMessage("route to fd00:99::/48 has no gateway and network n has no subnet of its family; give one with via");
    }

    @Test
    void limitsBecomeTbfsInBytesAndNonsenseIsRefused() {
        TrafficLimit l = TrafficLimit.of("--ingress-rate", 8_000_000, "--ingress-burst", 262_144).orElseThrow();
        assertThat(l.tbf()).isEqualTo(new Tbf(1_000_000, 32_768, 25_000 + 32_768));
        assertThat(TrafficLimit.of("r", 0, "b", 0)).isEmpty();
        assertThatThrownBy(() -> TrafficLimit.of("--ingress-rate", 1000, "--ingress-burst", 0)).isInstanceOf(NetmgrException.class)
                .hasMessageStartingWith("--ingress-burst is missing: --ingress-rate 1000 needs a burst too");
        assertThatThrownBy(() -> TrafficLimit.of("--egress-rate", -5, "--egress-burst", 12_000)).isInstanceOf(NetmgrException.class)
                .hasMessageStartingWith("--egress-rate -5 is negative");
        assertThatThrownBy(() -> TrafficLimit.of("r", 8000, "b", 8_000_000)).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("tbf holds at most 274 s");
        Bandwidth b = Bandwidth.of(Optional.of(l), Optional.empty());
        assertThat(b.isEmpty()).isFalse();
        assertThat(b.egressLimit()).isEmpty();
        assertThat(Bandwidth.NONE.isEmpty()).isTrue();
    }

    private static Network network(String... subnets) {
        List<NetworkPool> pools = java.util.Arrays.stream(subnets).map(s -> {
            IpPrefix p = IpPrefix.parse(s);
            return NetworkPool.of(new Pool(s.replace('/', '-'), "n", IpamConfig.of(p).withGateway(p.network().next())));
        }).toList();
        return new Network("c".repeat(64), "n", "bridge", pools, Map.of(), Map.of(), false, true, subnets.length > 1, false,
                "2026-01-01T00:00:00Z");
    }

    @Test
    void anEndpointStoredBeforeRoutesAndBandwidthReadsWithout() throws Exception {
        String old = "{\"id\":\"" + "d".repeat(64) + "\",\"name\":\"e\",\"networkId\":\"n\",\"addresses\":[\"10.1.0.2/24\"],"
                + "\"mac\":\"02:42:0a:01:00:02\",\"aliases\":[],\"interfaceName\":\"eth0\",\"sandboxId\":null,\"hostInterface\":null}";
        Endpoint e = new com.fasterxml.jackson.databind.ObjectMapper().readValue(old, Endpoint.class);
        assertThat(e.routes()).isEmpty();
        assertThat(e.bandwidth()).isEqualTo(Bandwidth.NONE);
        assertThat(e.ports()).isEmpty();
        assertThat(IpAddress.parse("10.1.0.2")).isNotNull();
    }
}
