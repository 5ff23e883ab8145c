package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Services with real traffic on nftables (and on iptables, {@link IptablesServiceVipIT}), the engine bound to a {@link TestHost}'s host: three
 * backends behind a VIP share 300 connections from a client container; a detached backend gets
 * no new connection; a container's VIP flow keeps its address where br_netfilter bridges it, and
 * is source-NATed where it is routed; ingress ports answer from outside, from 127.0.0.1 and by
 * hairpin; host mode keeps the client's address; {@code rm} leaves no VIP and no rule.
 */
class ServiceVipIT extends EngineOnTestHost {
    /** br_netfilter's switch, in the test's own host namespace (per namespace), whose default is on. */
    private static final Path BRIDGE_HOOKS = Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables");
    private NetworkController controller;
    private ServiceController services;
    private final Map<String, NetNs> backends = new HashMap<>();
    private NetNs client;

    @BeforeEach
    void start() {
        open(FirewallChoice.parse("backend", backend()), false);
        controller = engine.controller();
        services = engine.services();
        controller.createNetwork(NetworkConfig.of("svcnet", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.50.1.0/24", "subnet"))));
        for (int i = 1; i <= 3; i++) {
            NetNs ns = container("b" + i, "10.50.1." + (10 + i));
            probe.tcpServer(ns, 80, "b" + i);
            probe.udpServer(ns, 53, "b" + i);
            backends.put("b" + i, ns);
        }
        client = container("client", "10.50.1.20");
    }

    private NetNs container(String name, String ip) {
        NetNs ns = netns.create(name);
        controller.adoptSandbox(name, ns.path());
        Endpoint e = controller.createEndpoint("svcnet", EndpointConfig.named(name).withIpv4(ip));
        controller.join(e.id(), name);
        return ns;
    }

    /** The firewall backend the scenarios run on; {@link IptablesServiceVipIT} runs them on iptables. */
    protected String backend() {
        return "nftables";
    }

    /** netmgr's rules as the backend's own tool lists them: an independent view. */
    protected String table() {
        return TestHost.exec(t.host, "nft", "list", "table", "inet", "netmgr");
    }

    /** What names a service's own rules in {@link #table()}. */
    protected String serviceRuleMarker() {
        return "svc__";
    }

    private String vip(Service s) {
        return s.vips().get(0).address().address().toString();
    }

    /** Which backend answered each of {@code n} fresh connections (a refused one counts as "none"). */
    private Map<String, Integer> spread(NetNs from, String address, int port, int n) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String who = Probe.tcp(from, address, port).map(r -> r.split(" ")[0]).orElse("none");
            counts.merge(who, 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void threeBackendsShareAVipAndADetachedOneGetsNoNewConnection() {
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        for (int i = 1; i <= 3; i++) {
            services.attach("web", "b" + i);
        }
        Map<String, Integer> counts = spread(client, vip(web), 80, 300);
        assertThat(counts).containsOnlyKeys("b1", "b2", "b3");
        counts.values().forEach(c -> assertThat(c).as("each backend gets at least 20%% of 300: %s", counts).isGreaterThanOrEqualTo(60));
        assertThat(Probe.udp(client, vip(web), 53)).hasValueSatisfying(r -> assertThat(r).matches("b[123] from .*"));

        services.detach("web", "b2");
        Map<String, Integer> after = spread(client, vip(web), 80, 60);
        assertThat(after).containsOnlyKeys("b1", "b3");
        for (int i = 0; i < 20; i++) {
            assertThat(Probe.udp(client, vip(web), 53)).hasValueSatisfying(r -> assertThat(r).doesNotStartWith("b2"));
        }
    }

    @Test
    void aRunningFlowToAnotherBackendSurvivesADetach() throws Exception {
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        List<ServerSocket> servers = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            services.attach("web", "b" + i);
            servers.add(namedEcho(backends.get("b" + i), "b" + i));
        }
        InetAddress vip = InetAddress.getByName(vip(web));
        try (Socket live = client.call(() -> {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(vip, 7000), 5000);
            s.setSoTimeout(5000);
            return s;
        })) {
            BufferedReader in = new BufferedReader(new InputStreamReader(live.getInputStream(), StandardCharsets.UTF_8));
            String serving = in.readLine();
            String other = List.of("b1", "b2", "b3").stream().filter(b -> !b.equals(serving)).findFirst().orElseThrow();
            services.detach("web", other);
            live.getOutputStream().write("still there\n".getBytes(StandardCharsets.UTF_8));
            assertThat(in.readLine()).as("the flow to %s goes on after %s left", serving, other).isEqualTo("still there");
            assertThat(spread(client, vip(web), 80, 60)).doesNotContainKey(other).doesNotContainKey("none");
        } finally {
            for (ServerSocket s : servers) {
                s.close();
            }
        }
    }

    @Test
    void aContainersVipFlowKeepsItsAddressWhereTheBridgeUndoesTheNat() {
        assumeTrue(Files.exists(BRIDGE_HOOKS), "br_netfilter is not loaded on this machine");
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        for (int i = 1; i <= 3; i++) {
            services.attach("web", "b" + i);
        }
        // br_netfilter bridges the flow to its backend and undoes the DNAT on the way back: no source NAT
        assertThat(answers(client, vip(web), 30)).as("the backend sees the client's own address")
                .allSatisfy(r -> assertThat(r).matches("b[123] from 10\\.50\\.1\\.20"));
        assertThat(Probe.udp(client, vip(web), 53)).hasValueSatisfying(r -> assertThat(r).matches("b[123] from 10\\.50\\.1\\.20"));
        // a backend may draw itself, which only works source-NATed
        assertThat(spread(backends.get("b1"), vip(web), 80, 60)).as("a backend reaching its own VIP, itself included")
                .containsOnlyKeys("b1", "b2", "b3");
        assertThat(answers(t.host, vip(web), 10)).as("the host itself").allSatisfy(r -> assertThat(r).matches("b[123] from .*"));

        // without br_netfilter's IP hooks the flow is routed through the host, so it is source-NATed
        TestHost.exec(t.host, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=0");
        try {
            assertThat(answers(client, vip(web), 30)).as("routed: the backend sees the bridge's address")
                    .allSatisfy(r -> assertThat(r).matches("b[123] from 10\\.50\\.1\\.1"));
        } finally {
            TestHost.exec(t.host, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=1");
        }
    }

    @Test
    void aVipAnswersOnlyContainersOfItsOwnNetwork() {
        controller.createNetwork(NetworkConfig.of("othernet", "bridge").withIpam(IpamConfig.of(IpPrefix.parse("10.50.2.0/24", "subnet"))));
        NetNs stranger = netns.create("stranger");
        controller.adoptSandbox("stranger", stranger.path());
        controller.join(controller.createEndpoint("othernet", EndpointConfig.named("stranger").withIpv4("10.50.2.20")).id(), "stranger");
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        services.attach("web", "b1");
        assertThat(Probe.tcp(client, vip(web), 80)).as("a container of svcnet").isPresent();
        assertThat(answers(stranger, vip(web), 5)).as("a container of another network, routed to the VIP by its gateway")
                .containsOnly("none");
        assertThat(Probe.udp(stranger, vip(web), 53)).isEmpty();
    }

    /** What the backends answered to {@code n} fresh TCP connections to {@code address} port 80 ("none" for a failed one). */
    private static List<String> answers(NetNs from, String address, int n) {
        List<String> answers = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(Probe.tcp(from, address, 80).orElse("none"));
        }
        return answers;
    }

    @Test
    void aBackendWhoseSandboxGoesTakesNoMoreTraffic() {
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        services.attach("web", "b1");
        services.attach("web", "b2");
        controller.deleteSandbox("b2");
        assertThat(spread(client, vip(web), 80, 30)).containsOnlyKeys("b1");
        assertThat(services.backends("web")).extracting(services.states(services.backends("web"))).containsExactlyInAnyOrder("running", "removed");
        services.detach("web", "b2"); // a removed sandbox's backend is detached by its name
        assertThat(services.backends("web")).hasSize(1);
    }

    /** A TCP server on port 7000 of {@code ns} that says its name on each connection, then echoes lines. */
    private static ServerSocket namedEcho(NetNs ns, String name) throws Exception {
        ServerSocket server = ns.call(() -> new ServerSocket(7000));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread conn = new Thread(() -> {
                        try (s; BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
                            s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                            for (String line; (line = r.readLine()) != null; ) {
                                s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                            }
                        } catch (java.io.IOException e) {
                            // the client went away
                        }
                    });
                    conn.setDaemon(true);
                    conn.start();
                } catch (java.io.IOException e) {
                    return; // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void aVipWithoutBackendsRefusesAndRemovalLeavesNoRuleNoAddress() {
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        probe.tcpServer(t.host, 80, "the host itself");
        assertThat(Probe.tcp(client, vip(web), 80)).as("no backend: refused, not the host's own service").isEmpty();
        services.attach("web", "b1");
        assertThat(Probe.tcp(client, vip(web), 80)).hasValueSatisfying(r -> assertThat(r).startsWith("b1"));

        services.remove("web");
        String table = table();
        assertThat(table).doesNotContain(serviceRuleMarker()).doesNotContain(vip(web));
        assertThat(TestHost.exec(t.host, "ip", "-o", "addr")).doesNotContain(vip(web) + "/32");
        // the VIP went back to IPAM: the next service may have it
        Service again = services.create(new ServiceSpec("again", List.of(new ServiceSpec.Attachment("svcnet", Optional.of(vip(web)))),
                List.of(), null, null));
        assertThat(vip(again)).isEqualTo(vip(web));
    }

    @Test
    void ingressPortsAnswerFromOutsideLocalhostAndHairpinHostModeKeepsTheClientAddress() {
        services.create(ServiceSpec.of("web", "svcnet").withPorts(ServicePort.parse("8080:80", PublishMode.INGRESS),
                ServicePort.parse("mode=host,8081:80", PublishMode.INGRESS)));
        services.attach("web", "b1");
        services.attach("web", "b2");
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).hasValueSatisfying(r -> assertThat(r).matches("b[12] from .*"));
        assertThat(Probe.tcp(t.host, "127.0.0.1", 8080)).isPresent();
        assertThat(Probe.tcp(backends.get("b1"), TestHost.HOST_IP, 8080)).as("hairpin from a backend").isPresent();
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8081)).as("host mode keeps the client's address")
                .hasValueSatisfying(r -> assertThat(r).endsWith("from " + TestHost.OUTSIDE_IP));

        services.unpublish("web", ServicePort.parseKey("8080"));
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).isEmpty();
        assertThat(services.backends("web")).hasSize(2);
    }

    @Test
    void aDetachedBackendsUdpFlowIsDroppedSoTheSameClientPortMovesOn() {
        Service web = services.create(ServiceSpec.of("web", "svcnet"));
        for (int i = 1; i <= 3; i++) {
            services.attach("web", "b" + i);
        }
        int port = 40053;
        String first = Probe.udp(client, vip(web), 53, port).orElseThrow().substring(0, 2);
        assertThat(Probe.udp(client, vip(web), 53, port)).as("conntrack keeps the flow on one backend")
                .hasValueSatisfying(r -> assertThat(r).startsWith(first));
        String backendIp = "10.50.1." + (10 + Integer.parseInt(first.substring(1)));
        assertThat(flowsTo(vip(web))).as("the kernel lists the flow").contains("src=" + backendIp + " ");

        services.detach("web", first);
        assertThat(flowsTo(vip(web))).as("the detached backend's flows are gone").doesNotContain("src=" + backendIp + " ");
        assertThat(Probe.udp(client, vip(web), 53, port)).as("the same client port reaches another backend")
                .hasValueSatisfying(r -> assertThat(r).doesNotStartWith(first));
    }

    /** The host's UDP conntrack entries to {@code vip}, as conntrack-tools lists them: an independent view. */
    private String flowsTo(String vip) {
        return TestHost.exec(t.host, "conntrack", "-L", "-p", "udp", "--orig-dst", vip);
    }

    @Test
    void refusalsChangeNothing() {
        services.create(ServiceSpec.of("web", "svcnet").withPorts(ServicePort.parse("8080:80", PublishMode.INGRESS)));
        String before = table();
        assertThatThrownBy(() -> services.create(ServiceSpec.of("other", "svcnet").withPorts(ServicePort.parse("8080:80", PublishMode.INGRESS))))
                .isInstanceOf(NetmgrException.class).hasMessageContaining("already published by service web");
        assertThatThrownBy(() -> services.create(ServiceSpec.of("web", "svcnet"))).hasMessageContaining("already exists");
        assertThatThrownBy(() -> services.create(ServiceSpec.of("x", "nosuchnet"))).hasMessageContaining("nosuchnet");
        assertThatThrownBy(() -> services.create(new ServiceSpec("y", List.of(new ServiceSpec.Attachment("svcnet", Optional.of("10.9.9.9"))),
                List.of(), null, null))).hasMessageContaining("outside network svcnet");
        assertThatThrownBy(() -> services.create(ServiceSpec.of("z", "svcnet").withEndpointMode(io.netmgr.core.service.EndpointMode.DNSRR)
                .withPorts(ServicePort.parse("9090:80", PublishMode.INGRESS)))).hasMessageContaining("dnsrr");
        assertThat(table()).isEqualTo(before);
        assertThat(services.services()).extracting(Service::name).containsExactly("web");
    }
}
