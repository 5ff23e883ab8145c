package io.netmgr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.nat.BackendTools;
import io.netmgr.nat.Probe;
import io.netmgr.nat.TestHost;
import io.netmgr.netlink.ns.NetNs;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the README promises, shown by packets through the controller of an {@link Engine}: the
 * CVE-2020-8558 guard, masquerade=false, hairpin=false, IPv6 published ports, and the host, none
 * and container modes. Run once per firewall backend, since each renders the rules its own way.
 */
abstract class PromisesIT extends EngineOnTestHost {
    private NetworkController c;

    /** The backend under test. */
    protected abstract BackendTools tools();

    @BeforeEach
    void start() {
        // the outside namespace routes 10.50.0.0/16 to the host
        c = open(FirewallChoice.parse("backend", tools().name().toLowerCase(java.util.Locale.ROOT)), false).controller();
        probe.tcpServer(t.outside, 7000, "outside");
    }

    private void network(String name, String subnet, String... options) {
        NetworkConfig config = NetworkConfig.of(name, "bridge").withIpam(IpamConfig.of(IpPrefix.parse(subnet, "subnet")));
        for (String o : options) {
            config = config.withOption(o.substring(0, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
        }
        c.createNetwork(config);
    }

    private NetNs container(String name, String network, EndpointConfig endpoint) {
        NetNs ns = netns.create(name);
        c.adoptSandbox(name, ns.path());
        c.join(c.createEndpoint(network, endpoint).id(), name);
        return ns;
    }

    @Test
    void aPacketToLoopbackFromAnotherHostIsDroppedCve2020_8558() {
        network("web", "10.50.1.0/24");
        NetNs c1 = container("c1", "web", EndpointConfig.named("c1").withIpv4("10.50.1.2").withPorts("8080:80", "127.0.0.1:8081:80"));
        probe.tcpServer(c1, 80, "c1");
        // the outside host sends to 127.0.0.1 through the host, as an attacker on its link can
        TestHost.exec(t.outside, "sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.eth0.route_localnet=1");
        TestHost.exec(t.outside, "ip", "route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local");
        TestHost.exec(t.outside, "ip", "route", "del", "local", "127.0.0.1", "dev", "lo", "table", "local");
        TestHost.exec(t.outside, "ip", "route", "add", "127.0.0.1/32", "via", TestHost.HOST_IP, "dev", "eth0");

        assertThat(Probe.tcp(t.host, "127.0.0.1", 8080)).as("the host itself, on loopback").isPresent();
        assertThat(Probe.tcp(t.host, "127.0.0.1", 8081)).isPresent();
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).as("the outside, on the host's address").isPresent();
        Probe.tcp(t.outside, "127.0.0.1", 8080, 1000);
        Probe.tcp(t.outside, "127.0.0.1", 8081, 1000);
        // the breach is the SYN reaching the container, whether or not the attacker sees an answer:
        // conntrack on the host shows any such flow, and the guard drops it before conntrack sees it
        assertThat(TestHost.exec(t.host, "conntrack", "-L")).as("flows from the outside to the host's loopback")
                .doesNotContain("src=" + TestHost.OUTSIDE_IP + " dst=127.0.0.1");
    }

    @Test
    void masqueradeFalseLetsTheContainersOwnAddressOut() {
        network("plain", "10.50.2.0/24", "masquerade=false");
        network("masked", "10.50.3.0/24");
        NetNs plain = container("plain", "plain", EndpointConfig.named("plain").withIpv4("10.50.2.2"));
        NetNs masked = container("masked", "masked", EndpointConfig.named("masked").withIpv4("10.50.3.2"));
        assertThat(Probe.tcp(plain, TestHost.OUTSIDE_IP, 7000)).contains("outside from 10.50.2.2");
        assertThat(Probe.tcp(masked, TestHost.OUTSIDE_IP, 7000)).contains("outside from " + TestHost.HOST_IP);
    }

    @Test
    void hairpinFalseKeepsTheNetworksContainersFromItsPublishedPortsThroughTheHost() {
        network("nohair", "10.50.4.0/24", "hairpin=false");
        NetNs c1 = container("c1", "nohair", EndpointConfig.named("c1").withIpv4("10.50.4.2").withPorts("8080:80"));
        NetNs c2 = container("c2", "nohair", EndpointConfig.named("c2").withIpv4("10.50.4.3"));
        probe.tcpServer(c1, 80, "c1");
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).as("published to the outside").isPresent();
        assertThat(Probe.tcp(c2, "10.50.4.2", 80)).as("the neighbour directly").isPresent();
        assertThat(Probe.tcp(c1, TestHost.HOST_IP, 8080, 1500)).as("itself through the host").isEmpty();
        assertThat(Probe.tcp(c2, TestHost.HOST_IP, 8080, 1500)).as("a neighbour through the host").isEmpty();
        assertThat(engine.firewall().orElseThrow().current().networks()).anySatisfy(n -> assertThat(n.hairpin()).isFalse());
    }

    @Test
    void ipv6PublishedPortsAnswerFromOutside() {
        c.createNetwork(NetworkConfig.of("dual", "bridge").withIpv6(true)
                .withIpam(IpamConfig.of(IpPrefix.parse("10.50.5.0/24")), IpamConfig.of(IpPrefix.parse("fd00:50:5::/64"))));
        NetNs c1 = container("c1", "dual", EndpointConfig.named("c1").withPorts("8080:80"));
        probe.tcpServer(c1, 80, "c1");
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP6, 8080, 3000)).contains("c1 from " + TestHost.OUTSIDE_IP6);
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 8080)).contains("c1 from " + TestHost.OUTSIDE_IP);
        assertThat(Probe.tcp(c1, TestHost.OUTSIDE_IP6, 7000, 3000)).contains("outside from " + TestHost.HOST_IP6);
    }

    @Test
    void hostNoneAndContainerModesCarryPacketsAsPromised() {
        network("web", "10.50.6.0/24");
        // host: the sandbox is the host's namespace, so a server in it answers on the host's address
        Sandbox host = c.adoptSandbox("hostmode", t.host.path());
        c.join(c.createEndpoint("host", EndpointConfig.named("hostmode")).id(), host.id());
        try (NetNs hostMode = NetNs.openPath(host.path())) {
            probe.tcpServer(hostMode, 9000, "hostmode");
        }
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP, 9000)).contains("hostmode from " + TestHost.OUTSIDE_IP);
        // none: loopback only, nothing beyond it
        Sandbox none = c.createSandbox("nonemode");
        c.join(c.createEndpoint("none", EndpointConfig.named("nonemode")).id(), none.id());
        try (NetNs noneMode = NetNs.openPath(none.path())) {
            probe.tcpServer(noneMode, 9001, "nonemode");
            assertThat(Probe.tcp(noneMode, "127.0.0.1", 9001)).contains("nonemode from 127.0.0.1");
            assertThat(Probe.tcp(noneMode, TestHost.OUTSIDE_IP, 7000, 1000)).isEmpty();
            assertThat(Arrays.stream(TestHost.exec(noneMode, "ip", "-o", "link").split("\n")))
                    .singleElement().satisfies(l -> assertThat(l).contains(": lo:"));
        }
        // container: a second container shares c1's stack, its address and its neighbours
        NetNs c1 = container("c1", "web", EndpointConfig.named("c1").withIpv4("10.50.6.2"));
        NetNs c2 = container("c2", "web", EndpointConfig.named("c2").withIpv4("10.50.6.3"));
        Sandbox shared = c.shareSandbox("c1");
        probe.tcpServer(c2, 80, "c2");
        try (NetNs second = NetNs.openPath(shared.path())) {
            probe.tcpServer(second, 81, "second");
            assertThat(Probe.tcp(second, "10.50.6.3", 80)).contains("c2 from 10.50.6.2");
        }
        assertThat(Probe.tcp(c2, "10.50.6.2", 81)).contains("second from 10.50.6.3");
        assertThat(Probe.tcp(c1, "127.0.0.1", 81)).as("one stack: the first container sees the second's server").isPresent();
    }
}
