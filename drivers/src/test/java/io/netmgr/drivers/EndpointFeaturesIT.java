package io.netmgr.drivers;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static io.netmgr.netlink.testing.IpOracle.tc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Bandwidth;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.endpoint.TrafficLimit;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.route.Route;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint's routes and bandwidth through the controller and the real drivers: stored,
 * applied on join, reported by verify, repaired by the reconciler and by a restart; refused by
 * a driver that cannot shape. Checked with `ip -j` and `tc -j`.
 */
class EndpointFeaturesIT {
    @RegisterExtension
    final ControllerFixture fixture = new ControllerFixture();
    @TempDir
    Path stateDir;

    private static final Bandwidth LIMITS = Bandwidth.of(TrafficLimit.of("ingress rate", 8_000_000, "ingress burst", 262_144),
            TrafficLimit.of("egress rate", 16_000_000, "egress burst", 80_000));

    private static EndpointConfig shapedAndRouted(String name) {
        return EndpointConfig.named(name).withBandwidth(LIMITS).withRoutes(List.of(EndpointRoute.of("10.99.0.0/16", null),
                EndpointRoute.of("10.98.0.0/16", "10.61.0.254")));
    }

    @Test
    void routesAndBandwidthAreAppliedVerifiedAndRepaired() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("shaped", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.61.0.0/24"))));
        Sandbox s = c.createSandbox("s");
        Endpoint e = c.join(c.createEndpoint(net.id(), shapedAndRouted("s")).id(), s.id());
        assertThat(e.routes()).containsExactly(EndpointRoute.of("10.99.0.0/16", "10.61.0.1"),
                EndpointRoute.of("10.98.0.0/16", "10.61.0.254"));
        assertApplied(s, e);
        assertThat(c.verify(e.id())).isEmpty();

        // by hand: the tbfs and a route go
        try (NetNs ns = fixture.open(s); NetlinkHandle inside = NetlinkHandle.open(ns);
             NetlinkHandle host = NetlinkHandle.open(fixture.host)) {
            host.qdiscs().deleteRoot(host.links().get(e.hostInterface()).index());
            inside.qdiscs().deleteRoot(inside.links().get("eth0").index());
            Route r = inside.routes().list().stream().filter(x -> x.destination() != null
                    && x.destination().toString().equals("10.99.0.0/16")).findFirst().orElseThrow();
            inside.routes().delete(r);
        }
        assertThat(c.verify(e.id())).containsExactlyInAnyOrder(
                "route 10.99.0.0/16 via 10.61.0.1 is missing",
                "ingress shaping (8000000 bit/s, burst 262144 bits) is missing: the root qdisc of host interface "
                        + e.hostInterface() + " is noqueue, not tbf",
                "egress shaping (16000000 bit/s, burst 80000 bits) is missing: the root qdisc of eth0 in " + s.path()
                        + " is noqueue, not tbf");
        assertThat(c.reconcile()).contains("restored route 10.99.0.0/16 via 10.61.0.1 of endpoint s",
                "restored ingress shaping (8000000 bit/s, burst 262144 bits) of endpoint s on " + e.hostInterface());
        assertApplied(s, e);
        assertThat(c.verify(e.id())).isEmpty();

        // a restart reads them back from the store and repairs again
        try (NetlinkHandle host = NetlinkHandle.open(fixture.host)) {
            host.qdiscs().deleteRoot(host.links().get(e.hostInterface()).index());
        }
        NetNs hostNs = fixture.host;
        fixture.stop();
        NetworkController again = fixture.start(stateDir, hostNs);
        assertThat(again.startupRepairs()).anyMatch(l -> l.startsWith("restored ingress shaping"));
        assertThat(again.endpoint(e.id()).bandwidth()).isEqualTo(LIMITS);
        assertApplied(s, e);
    }

    @Test
    void aBurstBelowTheMtuIsRefusedAtJoinAndUndone() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("tiny", "bridge"));
        Sandbox s = c.createSandbox("t");
        Endpoint e = c.createEndpoint(net.id(), EndpointConfig.named("t")
                .withBandwidth(Bandwidth.of(Optional.empty(), TrafficLimit.of("egress rate", 8_000_000, "egress burst", 8_000))));
        List<String> before = hostLinks();
        assertThatThrownBy(() -> c.join(e.id(), s.id())).isInstanceOf(NetmgrException.class)
                .hasMessageStartingWith("egress burst 8000 bits (1000 bytes) is less than the MTU of eth0 (1500 bytes)");
        assertThat(hostLinks()).isEqualTo(before);
        assertThat(c.endpoint(e.id()).sandboxId()).isNull();
    }

    @Test
    void aDriverThatCannotShapeRefusesBandwidthAndBadRoutesAreRefused() {
        NetworkController c = fixture.start(stateDir);
        try (NetlinkHandle host = NetlinkHandle.open(fixture.host)) {
            host.links().add(Veth.pair("up0", "up1"));
        }
        Network mv = c.createNetwork(NetworkConfig.of("mv", "macvlan").withOption("parent", "up0"));
        assertThatThrownBy(() -> c.createEndpoint(mv.id(), EndpointConfig.named("m").withBandwidth(LIMITS)))
                .isInstanceOf(NetmgrException.class)
                .hasMessageStartingWith("network mv uses driver macvlan, which cannot limit an endpoint's bandwidth");
        assertThat(c.endpointsOn(mv.id())).isEmpty();
        assertThatThrownBy(() -> c.createEndpoint(mv.id(), EndpointConfig.named("m")
                .withRoutes(List.of(EndpointRoute.of("fd00:9::/64", null))))).isInstanceOf(NetmgrException.class)
                .hasMessageStartingWith("route to fd00:9::/64 has no gateway and network mv has no subnet of its family");
        assertThat(c.endpointsOn(mv.id())).isEmpty();
    }

    private void assertApplied(Sandbox s, Endpoint e) {
        try (NetNs ns = fixture.open(s)) {
            JsonNode routes = ip(ns, "route", "show");
            assertThat(routes.toString()).contains("\"dst\":\"10.99.0.0/16\",\"gateway\":\"10.61.0.1\"")
                    .contains("\"dst\":\"10.98.0.0/16\",\"gateway\":\"10.61.0.254\"");
            assertThat(tbf(tc(ns, "qdisc", "show", "dev", "eth0"))).isPresent();
        }
        assertThat(tbf(tc(fixture.host, "qdisc", "show", "dev", e.hostInterface()))).isPresent();
    }

    private static Optional<JsonNode> tbf(JsonNode qdiscs) {
        for (JsonNode q : qdiscs) {
            if (q.path("kind").asText().equals("tbf")) {
                return Optional.of(q);
            }
        }
        return Optional.empty();
    }

    private List<String> hostLinks() {
        List<String> names = new ArrayList<>();
        ip(fixture.host, "link", "show").forEach(l -> names.add(l.get("ifname").asText()));
        return names;
    }
}
