package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.nat.BackendTools;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One host namespace, two state directories: a second live one is refused before it touches the
 * first's rules or bridges; one whose predecessor's state is gone (a fresh install beside a
 * leftover netmgr0) starts and replaces what was left.
 */
class StateDirectoriesIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path dir;

    private static Engine open(Path stateDir, NetNs host) {
        return Engine.open(EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(host).withFirewall(FirewallChoice.NFTABLES)
                .withRuleGuard(false));
    }

    /** Makes network web with a container publishing 8080 under {@code stateDir}; returns the bridge's name. */
    private String networkWithAPublishedPort(Path stateDir, NetNs host) {
        try (Engine first = open(stateDir, host)) {
            var c = first.controller();
            c.createNetwork(NetworkConfig.of("web", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.51.1.0/24", "subnet"))));
            NetNs container = netns.create("c1");
            c.adoptSandbox("c1", container.path());
            Endpoint e = c.createEndpoint("web", EndpointConfig.named("c1").withPorts("8080:80"));
            c.join(e.id(), "c1");
            return BridgeDriver.bridgeName(c.network("web"));
        }
    }

    @Test
    void aSecondLiveStateDirectoryIsRefusedBeforeItTouchesTheFirstsRules() {
        NetNs host = netns.create("host");
        String bridge = networkWithAPublishedPort(dir.resolve("first"), host);
        String rules = BackendTools.NFTABLES.listRules(host);
        String addresses = IpOracle.exec(host, "ip", "-4", "-o", "addr");
        assertThat(rules).contains(bridge).contains("8080");

        assertThatThrownBy(() -> open(dir.resolve("second"), host)).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("is managed by netmgr with state directory " + dir.resolve("first"))
                .hasMessageContaining("use " + dir.resolve("first"));

        assertThat(BackendTools.NFTABLES.listRules(host)).isEqualTo(rules);
        assertThat(IpOracle.exec(host, "ip", "-4", "-o", "addr")).isEqualTo(addresses);
        try (Engine first = open(dir.resolve("first"), host)) { // the first still starts, its own claim
            assertThat(first.controller().network("web").name()).isEqualTo("web");
        }
    }

    @Test
    void aFreshStateDirectoryReplacesWhatADeletedOneLeft() throws IOException {
        NetNs host = netns.create("host");
        String bridge = networkWithAPublishedPort(dir.resolve("first"), host);
        IpOracle.ipDo(host, "addr", "add", "192.0.2.77/32", "dev", "netmgr0"); // a stale address on the leftover
        deleteTree(dir.resolve("first"));

        try (Engine fresh = open(dir.resolve("second"), host)) {
            assertThat(fresh.controller().network("bridge").name()).isEqualTo("bridge");
            String netmgr0 = IpOracle.exec(host, "ip", "-o", "addr", "show", "dev", "netmgr0");
            assertThat(netmgr0).contains("172.17.0.1/16").doesNotContain("192.0.2.77");
            assertThat(IpOracle.exec(host, "ip", "-o", "link")).doesNotContain(bridge + ":");
            assertThat(BackendTools.NFTABLES.listRules(host)).doesNotContain(bridge).doesNotContain("8080");
            assertThat(IpOracle.exec(host, "ip", "-d", "link", "show", "lo")).contains("alias netmgr state " + dir.resolve("second"));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
