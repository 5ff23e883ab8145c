package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.nat.BackendTools;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firewall as users reach it: through the controller of an {@link Engine}, with the bridge
 * driver making real bridges and veths in a namespace playing the host, and real TCP/UDP from an
 * "outside" namespace, from the host, from containers. Run once per backend.
 */
abstract class EngineFirewallIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path stateDir;

    private final Probe probe = new Probe();
    TestHost t;
    Engine engine;
    NetworkController controller;

    /** The backend under test and its tools. */
    protected abstract BackendTools tools();

    /** "nftables" or "iptables". */
    private String backend() {
        return tools().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Removes netmgr's rules the way a careless admin or a firewall reload would. */
    private void wipeRules(NetNs host) {
        tools().wipeRules(host);
    }

    /** Everything this backend's tools show of the rules in {@code host}. */
    private String listRules(NetNs host) {
        return tools().listRules(host);
    }

    @BeforeEach
    void start() {
        t = TestHost.create(netns); // the outside namespace routes 10.50.0.0/16 to the host
        engine = open(true);
        controller = engine.controller();
        probe.tcpServer(t.outside, 7000, "outside");
    }

    private Engine open(boolean guard) {
        return Engine.open(EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(t.host)
                .withFirewall(FirewallChoice.parse("backend", backend())).withRuleGuard(guard));
    }

    @AfterEach
    void stop() {
        probe.close();
        if (engine != null) {
            for (Endpoint e : engine.controller().endpoints()) {
                engine.controller().deleteEndpoint(e.id());
            }
            engine.close();
        }
    }

    private Network network(String name, String subnet, NetworkConfig... base) {
        NetworkConfig config = base.length > 0 ? base[0] : NetworkConfig.of(name, "bridge");
        return controller.createNetwork(config.withIpam(IpamConfig.of(IpPrefix.parse(subnet, "subnet"))));
    }

    /** A container namespace made by the test (as a runtime would), joined to {@code network}. */
    private NetNs container(String name, String network, String ip, String... ports) {
        NetNs ns = netns.create(name);
        controller.adoptSandbox(name, ns.path());
        Endpoint e = controller.createEndpoint(network, EndpointConfig.named(name).withIpv4(ip).withPorts(ports));
        controller.join(e.id(), name);
        return ns;
    }

    @Test
    void publishedPortsAnswerFromOutsideFromTheHostThroughLocalhostAndByHairpin() {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", "10.50.1.2", "8080:80/tcp", "5353:53/udp");
        NetNs c2 = container("c2", "web", "10.50.1.3");
        probe.tcpServer(c1, 80, "c1");
        probe.udpServer(c1, 53, "c1");
        probe.tcpServer(c1, 81, "c1-unpublished");

        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).contains("c1 from " + TestHost.OUTSIDE_IP);
        assertThat(Probe.udp(t.outside, TestHost.HOST_IP, 5353)).contains("c1 from " + TestHost.OUTSIDE_IP);
        assertThat(Probe.tcp(t.host, "127.0.0.1", 8080)).isPresent();
        assertThat(Probe.tcp(t.host, TestHost.HOST_IP, 8080)).isPresent();
        assertThat(Probe.tcp(c1, TestHost.HOST_IP, 8080)).as("hairpin: c1 through the host to itself").isPresent();
        assertThat(Probe.tcp(c2, TestHost.HOST_IP, 8080)).as("a neighbour through the host").isPresent();
        assertThat(Probe.tcp(t.outside, "10.50.1.2", 81)).as("unpublished, routed straight to the container").isEmpty();
        assertThat(Probe.tcp(c1, TestHost.OUTSIDE_IP, 7000)).as("masqueraded to the host's address")
                .contains("outside from " + TestHost.HOST_IP);
    }

    @Test
    void aPortOnOneHostAddressAnswersThereOnly() {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", "10.50.1.2", "127.0.0.1:8080:80");
        probe.tcpServer(c1, 80, "c1");
        assertThat(Probe.tcp(t.host, "127.0.0.1", 8080)).isPresent();
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isEmpty();
    }

    @Test
    void leavingWithdrawsThePortsAndDeletingTheNetworkItsRules() {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", "10.50.1.2", "8080:80");
        probe.tcpServer(c1, 80, "c1");
        String bridge = bridgeOf("web");
        assertThat(listRules(t.host)).contains(bridge).contains("8080");

        Endpoint e = controller.endpoints().get(0);
        controller.leave(e.id());
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isEmpty();
        assertThat(listRules(t.host)).doesNotContain("8080");
        controller.deleteEndpoint(e.id());
        controller.deleteNetwork("web");
        assertThat(listRules(t.host)).doesNotContain(bridge);
        assertThat(engine.firewall().orElseThrow().current().networks()).extracting(r -> r.bridge())
                .containsExactly("netmgr0");
    }

    @Test
    void aHostPortTakenIsRefusedNamingItsOwnerAndNothingChanges() {
        network("web", "10.50.1.0/24");
        container("c1", "web", "10.50.1.2", "8080:80");
        String before = listRules(t.host);
        NetNs c2 = netns.create("c2");
        controller.adoptSandbox("c2", c2.path());
        Endpoint e2 = controller.createEndpoint("web", EndpointConfig.named("c2").withPorts("8080:80"));

        assertThatThrownBy(() -> controller.join(e2.id(), "c2")).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("already published by c1 (")
                .satisfies(x -> assertThat(((NetmgrException) x).kind()).isEqualTo(NetmgrException.Kind.CONFLICT));
        assertThat(controller.endpoint(e2.id()).sandboxId()).isNull();
        assertThat(IpOracle.exec(c2, "ip", "-o", "link")).doesNotContain("eth0");
        assertThat(listRules(t.host)).isEqualTo(before);
    }

    @Test
    void badPortSpecsAreRefusedBeforeAnythingIsMade() {
        network("web", "10.50.1.0/24");
        for (String[] bad : new String[][] {{"0:80", "outside 1-65535"}, {"8080:70000", "outside 1-65535"},
                {"8080:80/sctp", "bad protocol \"sctp\""}, {"9000-8000:80-81", "inverted"},
                {"8000-8001:80", "differ in size"}}) {
            assertThatThrownBy(() -> EndpointConfig.named("x").withPorts(bad[0])).isInstanceOf(FirewallException.class)
                    .hasMessageContaining(bad[1]);
        }
        NetNs c = netns.create("c1");
        controller.adoptSandbox("c1", c.path());
        String before = listRules(t.host);
        Endpoint e = controller.createEndpoint("web", EndpointConfig.named("c1").withPorts("192.0.2.99:8080:80"));
        assertThatThrownBy(() -> controller.join(e.id(), "c1")).isInstanceOf(NetmgrException.class)
                .hasMessageContaining("192.0.2.99 is not an address of this host");
        assertThat(listRules(t.host)).isEqualTo(before);
        assertThat(IpOracle.exec(c, "ip", "-o", "link")).doesNotContain("eth0");

        controller.createNetwork(NetworkConfig.of("inside", "bridge").withInternal(true)
                .withIpam(IpamConfig.of(IpPrefix.parse("10.50.9.0/24", "subnet"))));
        assertThatThrownBy(() -> controller.createEndpoint("inside", EndpointConfig.named("c9").withPorts("8081:80")))
                .isInstanceOf(NetmgrException.class).hasMessageContaining("internal");
        assertThat(controller.endpoints()).hasSize(1);
    }

    @Test
    void networksAreIsolatedIccFalseHoldsAndInternalHasNoOutbound() {
        network("a", "10.50.1.0/24");
        network("b", "10.50.2.0/24");
        network("quiet", "10.50.3.0/24",
                NetworkConfig.of("quiet", "bridge").withOption("com.docker.network.bridge.enable_icc", "false"));
        controller.createNetwork(NetworkConfig.of("inside", "bridge").withInternal(true)
                .withIpam(IpamConfig.of(IpPrefix.parse("10.50.4.0/24", "subnet"))));
        NetNs a1 = container("a1", "a", "10.50.1.2");
        NetNs a2 = container("a2", "a", "10.50.1.3");
        NetNs b1 = container("b1", "b", "10.50.2.2");
        NetNs q1 = container("q1", "quiet", "10.50.3.2");
        NetNs q2 = container("q2", "quiet", "10.50.3.3");
        NetNs i1 = container("i1", "inside", "10.50.4.2");
        for (NetNs ns : new NetNs[] {a1, a2, b1, q1, q2, i1}) {
            probe.tcpServer(ns, 80, ns.toString());
        }
        assertThat(Probe.tcp(a1, "10.50.1.3", 80)).as("same network").isPresent();
        assertThat(Probe.tcp(a1, "10.50.2.2", 80)).as("across networks").isEmpty();
        assertThat(Probe.tcp(b1, "10.50.1.2", 80)).as("across networks").isEmpty();
        assertThat(Probe.tcp(q1, "10.50.3.3", 80)).as("icc=false").isEmpty();
        assertThat(Probe.tcp(q1, TestHost.OUTSIDE_IP, 7000)).as("icc=false still reaches out").isPresent();
        assertThat(Probe.tcp(i1, TestHost.OUTSIDE_IP, 7000)).as("internal: no outbound").isEmpty();
        assertThat(Probe.tcp(t.outside, "10.50.4.2", 80)).as("internal: no inbound").isEmpty();
        assertThat(Probe.tcp(a1, TestHost.OUTSIDE_IP, 7000)).isPresent();
    }

    @Test
    void rulesRemovedBehindNetmgrsBackAreBackWithinASecond() throws InterruptedException {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", "10.50.1.2", "8080:80");
        probe.tcpServer(c1, 80, "c1");
        wipeRules(t.host);
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080, 200)).isEmpty();
        Thread.sleep(1000);
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isPresent();
        assertThat(engine.ruleRestorations()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRestartTakesOverTheRulesTheStoreAsksFor() {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", "10.50.1.2", "8080:80");
        probe.tcpServer(c1, 80, "c1");
        engine.close(); // a stopped daemon leaves networks, containers and rules working
        engine = null;
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isPresent();
        wipeRules(t.host); // lost while it was down (a reboot of the firewall, say)

        engine = open(false);
        controller = engine.controller();
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isPresent();
        assertThat(Probe.tcp(c1, TestHost.OUTSIDE_IP, 7000)).contains("outside from " + TestHost.HOST_IP);
    }

    @Test
    void anotherProcessSharingTheStoreIsNeitherUndoneNorUndoing() throws Exception {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", "10.50.1.2", "8080:80");
        probe.tcpServer(c1, 80, "c1");
        NetNs c2 = netns.create("c2");
        probe.tcpServer(c2, 80, "c2");
        // a second process on the same state dir, as a CNI plugin run beside the daemon
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OtherProcess.class.getName(), stateDir.toString(),
                t.host.path().toString(), backend(), c2.path().toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream()));
             var in = new java.io.PrintStream(other.getOutputStream(), true)) {
            assertThat(out.readLine()).isEqualTo("joined");
            Thread.sleep(1200); // this engine's guard checks twice meanwhile: it must not undo the other's port
            assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8090)).contains("c2 from " + TestHost.OUTSIDE_IP);
            assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isPresent();
            in.println("leave");
            assertThat(out.readLine()).isEqualTo("left");
            assertThat(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            other.destroyForcibly();
        }
        Thread.sleep(1200); // nor put back what the other withdrew
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8090, 300)).as("withdrawn, and not restored").isEmpty();
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isPresent();
        assertThat(engine.ruleRestorations()).isZero();
    }

    private String bridgeOf(String network) {
        return controller.firewall().orElseThrow().current().network(controller.network(network).id())
                .orElseThrow().bridge();
    }

}
