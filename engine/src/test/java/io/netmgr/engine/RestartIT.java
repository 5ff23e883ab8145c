package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.nat.BackendTools;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.LinkAttrs;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a restart does with the state a crash or a vanished container leaves, with the nftables
 * firewall on: each test leaves the store and the kernel as a kill -9 at a chosen point would
 * (the kernel changed but the store not, the store committed but the rules not) or as a runtime
 * that removed its namespace without a DEL would, then opens the engine again.
 */
class RestartIT extends EngineOnTestHost {

    @BeforeEach
    void start() {
        open();
        engine.controller().createNetwork(NetworkConfig.of("web", "bridge")
                .withIpam(IpamConfig.of(IpPrefix.parse("10.52.1.0/24", "subnet"))));
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

    @Test
    void aCrashBetweenTheKernelAndTheStoreLeavesAnEndpointThatARetryJoinsAndADeleteReleases() {
        NetworkController c = engine.controller();
        NetNs container = netns.create("c1");
        c.adoptSandbox("c1", container.path());
        Endpoint e = c.createEndpoint("web", EndpointConfig.named("c1").withIpv4("10.52.1.9"));
        // the join's veth made, its store commit never happened
        try (NetlinkHandle h = NetlinkHandle.open(t.host)) {
            int bridge = h.links().get(BridgeDriver.bridgeName(c.network("web"))).index();
            h.links().add(new Veth(LinkAttrs.named("nmv" + e.id().substring(0, 12)).withMaster(bridge).withUp(true),
                    "eth0", container, null));
        }

        c = restart();

        assertThat(c.startupRepairs()).anySatisfy(l -> assertThat(l).startsWith("removed link nmv" + e.id().substring(0, 12)));
        assertThat(IpOracle.exec(container, "ip", "-o", "link")).doesNotContain("eth0");
        assertThat(c.endpoint(e.id()).addresses()).containsExactly("10.52.1.9/24"); // kept for the caller's retry or DEL
        assertThat(c.sandbox("c1").name()).isEqualTo("c1");
        c.join(e.id(), "c1"); // the runtime's retried ADD
        probe.tcpServer(container, 80, "c1");
        assertThat(Probe.tcp(t.host, "10.52.1.9", 80)).contains("c1 from 10.52.1.1");
        c.deleteSandbox("c1"); // its DEL
        c.deleteEndpoint(e.id());
        var again = c.createEndpoint("web", EndpointConfig.named("c2").withIpv4("10.52.1.9"));
        assertThat(again.addresses()).containsExactly("10.52.1.9/24");
    }

    @Test
    void aCrashBetweenTheStoreAndTheFirewallIsRepairedAtRestart() {
        NetworkController c = engine.controller();
        NetNs container = netns.create("c1");
        c.adoptSandbox("c1", container.path());
        c.join(c.createEndpoint("web", EndpointConfig.named("c1").withIpv4("10.52.1.2").withPorts("8080:80")).id(), "c1");
        probe.tcpServer(container, 80, "c1");
        engine.close();
        engine = null;
        BackendTools.NFTABLES.wipeRules(t.host); // the join committed, its rules never programmed
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isEmpty();

        open();

        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).contains("c1 from " + TestHost.OUTSIDE_IP);
    }
}
