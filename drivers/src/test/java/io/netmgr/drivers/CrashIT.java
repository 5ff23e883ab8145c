package io.netmgr.drivers;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of work, then a restart: the reconciler leaves nothing leaked. */
class CrashIT {
    @RegisterExtension
    final ControllerFixture fixture = new ControllerFixture();
    @TempDir
    Path stateDir;

    @Test
    void killedWhileCreatingEndpointsLeavesNothingAfterRestart() throws Exception {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("crash", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.40.0.0/22"))));
        Sandbox sandbox = c.createSandbox("victim");
        fixture.stop(); // the child opens the store the way a second process would

        Process child = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), EndpointCreator.class.getName(),
                fixture.host.path().toString(), stateDir.toString(), "crash", sandbox.id(), "100")
                .redirectErrorStream(true).start();
        int joined = 0;
        int killAfter = ThreadLocalRandom.current().nextInt(5, 40);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("joined ") && ++joined == killAfter) {
                    break;
                }
            }
            child.destroyForcibly(); // SIGKILL, mid-way through the next endpoint
            child.waitFor();
        }
        assertThat(joined).as("the child got going").isEqualTo(killAfter);

        NetworkController restarted = fixture.start(stateDir, fixture.host);
        List<Endpoint> stored = restarted.endpoints();
        assertThat(stored.size()).isBetween(joined, joined + 1);

        // zero leaked links: every host veth belongs to a stored, joined endpoint
        Set<String> expectedPorts = stored.stream().filter(e -> e.sandboxId() != null).map(Endpoint::hostInterface)
                .collect(Collectors.toSet());
        assertThat(hostVeths()).containsExactlyInAnyOrderElementsOf(expectedPorts);
        // zero leaked addresses: IPAM holds exactly the stored endpoints' addresses
        NetworkPool pool = net.pools().get(0);
        Set<String> held = fixture.ipam.endpointAddresses(pool.poolId()).values().stream().collect(Collectors.toSet());
        assertThat(held).containsExactlyInAnyOrderElementsOf(stored.stream().map(Endpoint::id).toList());

        // and everything can be taken down to nothing
        for (Endpoint e : stored) {
            restarted.deleteEndpoint(e.id());
        }
        assertThat(hostVeths()).isEmpty();
        assertThat(fixture.ipam.endpointAddresses(pool.poolId())).isEmpty();
        try (NetNs ns = NetNs.openPath(sandbox.path())) {
            assertThat(ip(ns, "link", "show")).extracting(l -> l.get("ifname").asText()).containsExactly("lo");
        }
    }

    @Test
    void restartRecreatesADeletedBridgeAndRemovesStrangers() {
        NetworkController c = fixture.start(stateDir);
        Network net = c.createNetwork(NetworkConfig.of("heal", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.41.0.0/24"))));
        Sandbox s = c.createSandbox("patient");
        Endpoint created = c.createEndpoint("heal", io.netmgr.core.endpoint.EndpointConfig.named("ep"));
        Endpoint e = c.join(created.id(), s.id());
        String bridge = BridgeDriver.bridgeName(net);
        try (NetlinkHandle h = NetlinkHandle.open(fixture.host)) {
            h.links().delete(bridge);
            h.links().add(Veth.pair("nmvdeadbeef0123", "stranger-peer")); // looks like ours, nobody owns it
            h.links().add(Veth.pair("veth1234567", "docker-peer"));      // someone else's: must be kept
        }
        fixture.stop();
        NetworkController restarted = fixture.start(stateDir, fixture.host);
        assertThat(restarted.startupRepairs()).anyMatch(l -> l.startsWith("recreated bridge " + bridge))
                .anyMatch(l -> l.startsWith("removed link nmvdeadbeef0123"))
                .anyMatch(l -> l.startsWith("reattached " + e.hostInterface()));
        JsonNode port = ip(fixture.host, "link", "show", e.hostInterface()).get(0);
        assertThat(port.get("master").asText()).isEqualTo(bridge);
        assertThat(ip(fixture.host, "addr", "show", bridge).toString()).contains("10.41.0.1");
        assertThat(hostVeths()).containsExactlyInAnyOrder(e.hostInterface(), "veth1234567", "docker-peer");
    }

    private List<String> hostVeths() {
        List<String> names = new ArrayList<>();
        for (JsonNode l : ip(fixture.host, "-d", "link", "show", "type", "veth")) {
            names.add(l.get("ifname").asText());
        }
        return names;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
