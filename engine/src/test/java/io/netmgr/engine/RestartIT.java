package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.nat.BackendTools;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a restart does with the state a crash or a vanished container leaves, with the nftables
 * firewall on: a second process killed at a chosen point of a join (after the kernel step, after
 * the firewall step, before the store commit; {@code -Dnetmgr.crashAt}), rules lost after a
 * commit, a runtime that removed its namespace without a DEL; then the engine opens again.
 */
class RestartIT extends EngineOnTestHost {

    @BeforeEach
    void start() {
        open();
        engine.controller().createNetwork(NetworkConfig.of("web", "bridge")
                .withIpam(IpamConfig.of(IpPrefix.parse("10.50.1.0/24", "subnet"))));
    }

    private Engine open() {
        return open(FirewallChoice.NFTABLES, false);
    }

    private NetworkController restart() {
        engine.close();
        return open().controller();
    }

    @Test
    void sandboxesWhoseNamespaceIsGoneAreForgottenWithTheirPortsAndLinks() throws Exception {
        NetworkController c = engine.controller();
        // a runtime's namespace, removed without a DEL
        String name = "nmt-gone-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        NetNs gone = NetNs.create(name);
        try {
            c.adoptSandbox("gone", gone.path());
            c.join(c.createEndpoint("web", EndpointConfig.named("gone").withPorts("8080:80")).id(), "gone");
        } finally {
            gone.close();
            NetNs.delete(name);
        }
        // one netmgr made, whose mount went away and left its empty file (a daemon in a private mount namespace)
        Sandbox unmounted = c.createSandbox("unmounted");
        c.join(c.createEndpoint("web", EndpointConfig.named("unmounted").withPorts("8081:80")).id(), "unmounted");
        assertThat(BackendTools.NFTABLES.listRules(t.host)).contains("8080").contains("8081");
        engine.close();
        assertThat(new ProcessBuilder("umount", unmounted.path().toString()).inheritIO().start().waitFor()).isZero();
        assertThat(unmounted.path()).exists();

        c = restart();

        assertThat(c.sandboxes()).isEmpty();
        assertThat(c.startupRepairs()).contains("forgot sandbox gone: its namespace /run/netns/" + name + " is gone",
                "forgot sandbox unmounted: its namespace " + unmounted.path() + " is gone");
        assertThat(c.endpoints()).hasSize(2).allSatisfy(e -> assertThat(e.sandboxId()).isNull());
        assertThat(BackendTools.NFTABLES.listRules(t.host)).doesNotContain("8080").doesNotContain("8081");
        assertThat(IpOracle.exec(t.host, "ip", "-o", "link")).doesNotContain("nmv");
        assertThat(unmounted.path()).as("netmgr's own empty namespace file").doesNotExist();
    }

    /** Kills (halts) a second process sharing the state dir at {@code point} of a join of c1 publishing 8080. */
    private void joinDyingAt(String point, NetNs c1) throws Exception {
        engine.close();
        engine = null;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dnetmgr.crashAt=" + point, "-cp", System.getProperty("java.class.path"), JoinThatDies.class.getName(),
                stateDir.toString(), t.host.path().toString(), c1.path().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(child.waitFor()).as(out).isEqualTo(137);
        assertThat(out).isEqualTo("created\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"join.after-kernel", "join.after-firewall"})
    void aJoinKilledHalfWayLeavesNothingHalfMadeAfterTheRestart(String point) throws Exception {
        NetNs c1 = netns.create("c1");
        joinDyingAt(point, c1);
        assertThat(TestHost.exec(c1, "ip", "-o", "link")).as("the kernel step happened").contains("eth0");

        NetworkController c = open().controller();

        assertThat(TestHost.exec(c1, "ip", "-o", "link")).doesNotContain("eth0");
        assertThat(TestHost.exec(t.host, "ip", "-o", "link")).doesNotContain("nmv");
        assertThat(BackendTools.NFTABLES.listRules(t.host)).doesNotContain("8080");
        Endpoint e = c.endpoints().stream().filter(x -> x.name().equals("c1")).findFirst().orElseThrow();
        assertThat(e.sandboxId()).isNull();
        assertThat(e.addresses()).containsExactly("10.50.1.9/24");
        c.join(e.id(), "c1"); // the runtime's retried ADD
        probe.tcpServer(c1, 80, "c1");
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).contains("c1 from " + TestHost.OUTSIDE_IP);
        c.deleteSandbox("c1"); // its DEL: the endpoint goes with the sandbox, its address is free again
        assertThat(c.createEndpoint("web", EndpointConfig.named("c2").withIpv4("10.50.1.9")).addresses())
                .containsExactly("10.50.1.9/24");
    }

    @Test
    void aCrashBetweenTheStoreAndTheFirewallIsRepairedAtRestart() {
        NetworkController c = engine.controller();
        NetNs container = netns.create("c1");
        c.adoptSandbox("c1", container.path());
        c.join(c.createEndpoint("web", EndpointConfig.named("c1").withIpv4("10.50.1.2").withPorts("8080:80")).id(), "c1");
        probe.tcpServer(container, 80, "c1");
        engine.close();
        engine = null;
        BackendTools.NFTABLES.wipeRules(t.host); // the join committed, its rules never programmed
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isEmpty();

        open();

        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).contains("c1 from " + TestHost.OUTSIDE_IP);
    }
}
