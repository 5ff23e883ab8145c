package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.curl;
import static io.netmgr.tests.NetmgrdIT.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An endpoint's routes and bandwidth limits, given through the CLI and through CNI to the built
 * netmgrd: in the kernel after the connect/ADD, still there after a daemon restart, and put
 * back by the restart's reconciliation after a route and the tbfs were deleted by hand.
 * Checked with {@code ip -j} and {@code tc -j}.
 */
class RoutesAndBandwidthIT extends DaemonOnTestHost {
    private static final long INGRESS_BITS = 8_000_000, EGRESS_BITS = 16_000_000, BURST_BITS = 262_144;

    @Test
    void routesAndBandwidthFromTheCliSurviveARestartAndAHandDeletedQdisc() throws Exception {
        NetNs host = netns.create("nmfeat");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            assertThat(cli(daemon, "network", "create", "--subnet", "10.71.0.0/24", "shaped").exit()).isZero();
            assertThat(cli(daemon, "sandbox", "create", "s1").exit()).isZero();
            JsonNode sandbox = JSON.readTree(cli(daemon, "sandbox", "inspect", "s1").out()).get(0);
            sandboxNamespaces.add(sandbox.path("namespacePath").asText());
            var connect = cli(daemon, "network", "connect", "--route", "10.99.0.0/16", "--route", "10.98.0.0/16,via=10.71.0.254",
                    "--ingress-rate", "" + INGRESS_BITS, "--ingress-burst", "" + BURST_BITS,
                    "--egress-rate", "" + EGRESS_BITS, "--egress-burst", "" + BURST_BITS, "shaped", "s1");
            assertThat(connect.exit()).as(connect.err()).isZero();
            JsonNode endpoint = JSON.readTree(curl(daemon, "GET", "/v1/endpoints/" + connect.out().trim(), null).body());
            assertThat(endpoint.path("routes").toString())
                    .isEqualTo("[{\"destination\":\"10.99.0.0/16\",\"via\":\"10.71.0.1\"},{\"destination\":\"10.98.0.0/16\",\"via\":\"10.71.0.254\"}]");
            assertThat(endpoint.path("bandwidth").path("ingress").path("rateBits").asLong()).isEqualTo(INGRESS_BITS);
            String veth = endpoint.path("hostInterface").asText();
            try (NetNs s1 = NetNs.openPath(Path.of(sandbox.path("namespacePath").asText()))) {
                assertApplied(host, veth, s1);

                IpOracle.exec(host, "tc", "qdisc", "del", "dev", veth, "root");
                IpOracle.exec(s1, "tc", "qdisc", "del", "dev", "eth0", "root");
                IpOracle.ipDo(s1, "route", "del", "10.99.0.0/16");
                assertThat(tbfOn(host, veth)).isFalse();
                daemon.stop();
                daemon.start();
                assertApplied(host, veth, s1);
                assertThat(Files.readString(daemon.log)).contains("restored ingress shaping").contains("restored route 10.99.0.0/16");

                // bad input: refused, naming the field, nothing changed
                var bad = cli(daemon, "network", "connect", "--ingress-rate", "1000", "shaped", "s1");
                assertThat(bad.exit()).isEqualTo(1);
                assertThat(bad.err()).contains("bandwidth.ingressBurst is missing");
                var badRoute = cli(daemon, "network", "connect", "--route", "10.9.0.0/16,gw=10.71.0.9", "shaped", "s1");
                assertThat(badRoute.err()).contains("write DESTINATION[,via=GATEWAY]");
            }
            assertThat(cli(daemon, "sandbox", "rm", "s1").exit()).isZero();
        }
    }

    private static void assertApplied(NetNs host, String veth, NetNs sandbox) {
        String routes = IpOracle.ip(sandbox, "route", "show").toString();
        assertThat(routes).contains("\"dst\":\"10.99.0.0/16\",\"gateway\":\"10.71.0.1\"")
                .contains("\"dst\":\"10.98.0.0/16\",\"gateway\":\"10.71.0.254\"");
        assertThat(tbfOn(host, veth)).as("ingress tbf on " + veth).isTrue();
        assertThat(tbfOn(sandbox, "eth0")).as("egress tbf on eth0").isTrue();
    }

    static boolean tbfOn(NetNs ns, String dev) {
        for (JsonNode q : IpOracle.tc(ns, "qdisc", "show", "dev", dev)) {
            if (q.path("root").asBoolean() && q.path("kind").asText().equals("tbf")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theSameThroughCni() throws Exception {
        try (CniTestHost t = CniTestHost.start(netns, dir, CniTestHost.Via.DAEMON)) {
            NetNs c1 = netns.create("feat-c1");
            Map<String, Object> conf = CniTestHost.with(t.conf("1.1.0"), "ipam", Map.of("type", "host-local",
                    "ranges", List.of(List.of(Map.of("subnet", t.subnet))), "routes", List.of(Map.of("dst", "10.99.0.0/16"))));
            conf = CniTestHost.with(conf, "runtimeConfig", Map.of("bandwidth", Map.of("ingressRate", INGRESS_BITS,
                    "ingressBurst", BURST_BITS, "egressRate", EGRESS_BITS, "egressBurst", BURST_BITS)));
            var add = t.add("feat-1", c1, conf).assertOk();
            Map<String, Object> result = add.json();
            @SuppressWarnings("unchecked")
            String veth = (String) ((Map<String, Object>) ((List<Object>) result.get("interfaces")).get(1)).get("name");
            String gateway = t.subnet.replace(".0/24", ".1");
            assertThat(IpOracle.ip(c1, "route", "show").toString()).contains("\"dst\":\"10.99.0.0/16\",\"gateway\":\"" + gateway + "\"");
            assertThat(tbfOn(t.host, veth)).isTrue();

            IpOracle.exec(t.host, "tc", "qdisc", "del", "dev", veth, "root");
            IpOracle.ipDo(c1, "route", "del", "10.99.0.0/16");
            Map<String, Object> check = CniTestHost.with(conf, "prevResult", result);
            assertThat(t.run("CHECK", "feat-1", c1, check).exit()).as("CHECK sees the drift").isNotZero();
            t.restartDaemon();
            assertThat(tbfOn(t.host, veth)).isTrue();
            assertThat(tbfOn(c1, "eth0")).isTrue();
            assertThat(IpOracle.ip(c1, "route", "show").toString()).contains("\"dst\":\"10.99.0.0/16\",\"gateway\":\"" + gateway + "\"");
            t.run("CHECK", "feat-1", c1, check).assertOk();
            t.run("DEL", "feat-1", c1, conf).assertOk();
        }
    }
}
