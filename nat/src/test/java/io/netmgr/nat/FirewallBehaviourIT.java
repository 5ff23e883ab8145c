package io.netmgr.nat;

import static io.netmgr.nat.Scenarios.publish;
import static io.netmgr.nat.TestHost.HOST_IP;
import static io.netmgr.nat.TestHost.OUTSIDE_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The firewall's behaviour, checked with real TCP and UDP between namespaces. One suite for
 * every backend: a subclass says how to open its firewall, how to wipe its rules behind its back
 * and how to list what is in the kernel.
 *
 * <p>Network a (br-a, 10.50.1.0/24) holds c1 (10.50.1.2) and c2 (10.50.1.3); network b (br-b,
 * 10.50.2.0/24) holds c3 (10.50.2.2). Every container serves TCP 80 and 81 and UDP 53, each
 * answering with the source address it saw; the outside serves TCP 7000.
 */
public abstract class FirewallBehaviourIT {
    static final NetworkRules NET_A = NetworkRules.bridge("a", "br-a", IpPrefix.parse("10.50.1.0/24"));
    static final NetworkRules NET_B = NetworkRules.bridge("b", "br-b", IpPrefix.parse("10.50.2.0/24"));
    static final String C1 = "10.50.1.2";
    static final String C2 = "10.50.1.3";
    static final String C3 = "10.50.2.2";

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    private final Probe probe = new Probe();
    TestHost t;
    NetNs c1;
    NetNs c2;
    NetNs c3;
    Firewall firewall;

    /** This backend's firewall in {@code host}. */
    protected abstract Firewall open(NetNs host);

    /** Removes netmgr's rules the way a careless admin or a firewall reload would. */
    protected abstract void wipeRules(NetNs host);

    /** Everything this backend's tools show of the kernel's rules in {@code host}. */
    protected abstract String listRules(NetNs host);

    @BeforeEach
    void buildHost() {
        t = TestHost.create(netns);
        t.bridge("br-a", "10.50.1.1/24");
        t.bridge("br-b", "10.50.2.1/24");
        c1 = t.container("c1", "br-a", C1 + "/24", "10.50.1.1");
        c2 = t.container("c2", "br-a", C2 + "/24", "10.50.1.1");
        c3 = t.container("c3", "br-b", C3 + "/24", "10.50.2.1");
        for (NetNs c : new NetNs[] {c1, c2, c3}) {
            String name = c == c1 ? "c1" : c == c2 ? "c2" : "c3";
            probe.tcpServer(c, 80, name);
            probe.tcpServer(c, 81, name + "-unpublished");
            probe.udpServer(c, 53, name);
        }
        probe.tcpServer(t.outside, 7000, "outside");
        firewall = open(t.host);
    }

    @AfterEach
    void closeAll() {
        probe.close();
        if (firewall != null) {
            firewall.close();
        }
    }

    private static PortMapping c1Port(String spec) {
        return publish(spec, "a", "c1", C1);
    }

    private FirewallState twoNetworksWithC1Published() {
        return FirewallState.EMPTY.withNetwork(NET_A).withNetwork(NET_B)
                .withPort(c1Port("8080:80/tcp"), c1Port("5353:53/udp"));
    }

    @Test
    void publishedTcpAndUdpAreReachableFromOutsideWithTheClientsAddress() {
        firewall.apply(twoNetworksWithC1Published().withPort(publish(HOST_IP + ":8082:80", "b", "c3", C3)));
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.udp(t.outside, HOST_IP, 5353)).contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.tcp(t.outside, HOST_IP, 8082)).as("published on one host address").contains("c3 from " + OUTSIDE_IP);
    }

    @Test
    void aUdpFlowThatBeganBeforeThePortWasPublishedIsForwardedOnceItIs() {
        firewall.apply(FirewallState.EMPTY.withNetwork(NET_A).withNetwork(NET_B));
        // the same source port each time: one flow, which conntrack remembers as going to the host
        assertThat(Probe.udp(t.outside, HOST_IP, 5353, 40053)).isEmpty();
        firewall.apply(firewall.current().withPort(c1Port("5353:53/udp")));
        assertThat(Probe.udp(t.outside, HOST_IP, 5353, 40053)).contains("c1 from " + OUTSIDE_IP);
    }

    @Test
    void publishedPortsAreReachableFromTheHostAndThroughLocalhost() {
        firewall.apply(twoNetworksWithC1Published().withPort(publish("127.0.0.1:9090:80", "b", "c3", C3)));
        assertThat(Probe.tcp(t.host, HOST_IP, 8080)).hasValueSatisfying(s -> assertThat(s).startsWith("c1 from "));
        assertThat(Probe.tcp(t.host, "127.0.0.1", 8080)).hasValueSatisfying(s -> assertThat(s).startsWith("c1 from "));
        assertThat(Probe.udp(t.host, "127.0.0.1", 5353)).hasValueSatisfying(s -> assertThat(s).startsWith("c1 from "));
        assertThat(Probe.tcp(t.host, "127.0.0.1", 9090)).hasValueSatisfying(s -> assertThat(s).startsWith("c3 from "));
        assertThat(Probe.tcp(t.outside, HOST_IP, 9090)).as("published on 127.0.0.1 only").isEmpty();
    }

    @Test
    void aContainerReachesItsOwnAndItsNeighboursPublishedPortThroughTheHost() {
        firewall.apply(twoNetworksWithC1Published());
        // masqueraded to the gateway: otherwise c1 would answer itself without the reverse NAT
        assertThat(Probe.tcp(c1, HOST_IP, 8080)).contains("c1 from 10.50.1.1");
        assertThat(Probe.tcp(c2, HOST_IP, 8080)).contains("c1 from 10.50.1.1");
        assertThat(Probe.udp(c1, HOST_IP, 5353)).contains("c1 from 10.50.1.1");
    }

    @Test
    void withoutHairpinAContainerCannotUsePublishedPortsThroughTheHost() {
        firewall.apply(FirewallState.EMPTY.withNetwork(NET_A.withHairpin(false)).withNetwork(NET_B)
                .withPort(c1Port("8080:80/tcp")));
        assertThat(Probe.tcp(c2, HOST_IP, 8080)).isEmpty();
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).contains("c1 from " + OUTSIDE_IP);
    }

    @Test
    void networksAreIsolatedFromEachOther() {
        firewall.apply(twoNetworksWithC1Published());
        assertThat(Probe.tcp(c2, C1, 80)).as("same network").contains("c1 from " + C2);
        assertThat(Probe.tcp(c3, C1, 80)).as("b to a").isEmpty();
        assertThat(Probe.tcp(c1, C3, 80)).as("a to b").isEmpty();
        assertThat(Probe.udp(c3, C1, 53)).as("b to a, udp").isEmpty();
    }

    @Test
    void iccFalseKeepsContainersOfANetworkApart() {
        firewall.apply(FirewallState.EMPTY.withNetwork(NET_A.withIcc(false)).withNetwork(NET_B));
        assertThat(Probe.tcp(c2, C1, 80)).isEmpty();
        assertThat(Probe.udp(c2, C1, 53)).isEmpty();
        assertThat(Probe.tcp(c1, OUTSIDE_IP, 7000)).as("the outside is still reachable").isPresent();
    }

    @Test
    void anInternalNetworkHasNoTrafficToOrFromTheOutside() {
        firewall.apply(FirewallState.EMPTY.withNetwork(NET_A).withNetwork(NET_B.withInternal(true)));
        assertThat(Probe.tcp(c3, OUTSIDE_IP, 7000)).isEmpty();
        assertThat(Probe.tcp(t.outside, C3, 80)).isEmpty();
        assertThat(Probe.tcp(c1, OUTSIDE_IP, 7000)).as("network a still goes out").isPresent();
    }

    @Test
    void outboundTrafficIsMasqueradedToTheHostAddress() {
        firewall.apply(twoNetworksWithC1Published());
        assertThat(Probe.tcp(c1, OUTSIDE_IP, 7000)).contains("outside from " + HOST_IP);
        firewall.apply(firewall.current().withNetwork(NET_A.withMasquerade(false)));
        assertThat(Probe.tcp(c1, OUTSIDE_IP, 7000)).as("masquerade off").contains("outside from " + C1);
    }

    @Test
    void containerPortsAreNotReachableByRoutingToTheContainer() {
        firewall.apply(twoNetworksWithC1Published());
        assertThat(Probe.tcp(t.outside, C1, 81)).as("unpublished port").isEmpty();
        assertThat(Probe.tcp(t.outside, C1, 80)).as("published port, but not through the host").isEmpty();
        assertThat(Probe.udp(t.outside, C1, 53)).isEmpty();
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).isPresent();
    }

    @Test
    void ipv6PortsArePublishedAndIpv6TrafficMasqueraded() {
        TestHost.address(t.host, "br-a", "fd00:50:1::1/64");
        TestHost.address(c1, "eth0", "fd00:50:1::2/64");
        TestHost.defaultRoute(c1, "fd00:50:1::1");
        NetworkRules dualStack = NetworkRules.bridge("a", "br-a", IpPrefix.parse("10.50.1.0/24"),
                IpPrefix.parse("fd00:50:1::/64"));
        firewall.apply(FirewallState.EMPTY.withNetwork(dualStack).withNetwork(NET_B)
                .withPort(publish("8080:80", "a", "c1", "fd00:50:1::2"), publish("5353:53/udp", "a", "c1", "fd00:50:1::2"),
                        c1Port("8080:80")));
        // the first IPv6 packets after forwarding is switched on may wait for neighbour discovery
        // longer than a SYN's first retransmission: give these probes a few seconds
        int patience = 4000;
        assertThat(Probe.tcp(t.outside, TestHost.HOST_IP6, 8080, patience)).contains("c1 from " + TestHost.OUTSIDE_IP6);
        assertThat(Probe.udp(t.outside, TestHost.HOST_IP6, 5353)).contains("c1 from " + TestHost.OUTSIDE_IP6);
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).as("IPv4 beside it").contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.tcp(c1, TestHost.OUTSIDE_IP6, 7000, patience)).contains("outside from " + TestHost.HOST_IP6);
    }

    @Test
    void portsPublishedAndUnpublishedOneAtATime() {
        firewall.apply(FirewallState.EMPTY.withNetwork(NET_A).withNetwork(NET_B));
        firewall.publish(c1Port("8080:80"), c1Port("5353:53/udp"));
        firewall.publish(publish("9090:80", "b", "c3", C3));
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.udp(t.outside, HOST_IP, 5353)).contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.tcp(t.outside, HOST_IP, 9090)).contains("c3 from " + OUTSIDE_IP);
        assertThat(firewall.isIntact()).isTrue();
        assertThatThrownBy(() -> firewall.publish(publish("9090:80", "a", "c2", C2)))
                .hasMessageContaining("is already published by c3");

        firewall.unpublish("c1");
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).isEmpty();
        assertThat(Probe.tcp(t.outside, HOST_IP, 9090)).contains("c3 from " + OUTSIDE_IP);
        assertThat(firewall.current().ports()).containsExactly(publish("9090:80", "b", "c3", C3));
        assertThat(firewall.isIntact()).isTrue();
        // a whole-state apply after the one-at-a-time changes starts from what they left
        firewall.apply(firewall.current().withPort(c1Port("8080:80")));
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).contains("c1 from " + OUTSIDE_IP);
        assertThat(firewall.isIntact()).isTrue();
    }

    @Test
    void verifyPortsReadsTheKernelAndNamesEachMissingPort() {
        firewall.apply(twoNetworksWithC1Published());
        PortMapping published = c1Port("8080:80/tcp");
        PortMapping never = c1Port("8099:80/tcp");
        assertThat(firewall.verifyPorts(java.util.List.of(published)).intact()).isTrue();
        assertThat(firewall.verifyPorts(java.util.List.of(published, never)).problems())
                .singleElement().asString().startsWith("published port tcp 8099 -> " + C1 + ":80: ");
        // another process's view: a fresh firewall on the same host knows nothing, but reads the kernel
        try (Firewall other = open(t.host)) {
            assertThat(other.verifyPorts(java.util.List.of(published)).intact()).isTrue();
            wipeRules(t.host);
            assertThat(other.verifyPorts(java.util.List.of(published)).problems()).isNotEmpty();
        }
    }

    @Test
    void portRangesMapPortForPort() {
        firewall.apply(FirewallState.EMPTY.withNetwork(NET_A).withPort(c1Port("8080-8081:80-81/tcp")));
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.tcp(t.outside, HOST_IP, 8081)).contains("c1-unpublished from " + OUTSIDE_IP);
    }

    @Test
    void rulesWipedBehindOurBackAreBackWithinOneSecond() {
        firewall.apply(twoNetworksWithC1Published());
        try (RuleGuard guard = RuleGuard.start(firewall)) {
            wipeRules(t.host);
            long wiped = System.nanoTime();
            // the guard may have struck already (even between two commands of the wipe): wait for
            // a restoration and intact rules, whichever came first
            while (!(guard.restorations() > 0 && firewall.isIntact()) && System.nanoTime() - wiped < 3_000_000_000L) {
                sleep(20);
            }
            long tookMillis = (System.nanoTime() - wiped) / 1_000_000;
            assertThat(guard.restorations()).isPositive();
            assertThat(firewall.isIntact()).isTrue();
            assertThat(tookMillis).as("restored after %d ms", tookMillis).isLessThan(1000);
        }
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).contains("c1 from " + OUTSIDE_IP);
        assertThat(Probe.tcp(c3, C1, 80)).isEmpty();
    }

    @Test
    void removingANetworkRemovesExactlyItsRulesAndTeardownLeavesNothing() {
        firewall.apply(twoNetworksWithC1Published().withPort(publish("9090:80", "b", "c3", C3)));
        firewall.apply(firewall.current().withoutNetwork("b"));
        assertThat(listRules(t.host)).contains("br-a").doesNotContain("br-b").doesNotContain("10.50.2.");
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).isPresent();
        assertThat(Probe.tcp(t.outside, HOST_IP, 9090)).isEmpty();
        firewall.removeAll();
        assertThat(listRules(t.host).toLowerCase()).doesNotContain("netmgr").doesNotContain("br-a");
        assertThat(firewall.current()).isEqualTo(FirewallState.EMPTY);
    }

    @Test
    void badInputIsRefusedClearlyAndChangesNoRule() {
        firewall.apply(twoNetworksWithC1Published());
        String before = listRules(t.host);
        FirewallState current = firewall.current();

        assertThatThrownBy(() -> firewall.apply(current.withPort(c1Port("192.0.2.77:8081:80"))))
                .isInstanceOf(FirewallException.class)
                .hasMessageContaining("host address 192.0.2.77 is not an address of this host");
        assertThatThrownBy(() -> firewall.apply(current.withPort(publish("8080:80", "b", "c3", C3))))
                .isInstanceOf(FirewallException.class)
                .hasMessageContaining("is already published by c1");
        assertThatThrownBy(() -> c1Port("0:80")).hasMessageContaining("port 0 is outside 1-65535");
        assertThatThrownBy(() -> c1Port("8080:70000")).hasMessageContaining("port 70000 is outside 1-65535");
        assertThatThrownBy(() -> c1Port("8080:80/icmp")).hasMessageContaining("bad protocol \"icmp\"");
        assertThatThrownBy(() -> c1Port("9000-8000:80-81")).hasMessageContaining("is inverted");

        // a process of the host serving the port: publishing would steal its traffic
        probe.tcpServer(t.host, 8088, "host-process");
        assertThatThrownBy(() -> firewall.apply(current.withPort(c1Port("8088:80"))))
                .isInstanceOf(FirewallException.class)
                .hasMessageContaining("host port tcp/8088 is bound by process " + ProcessHandle.current().pid());

        assertThat(listRules(t.host)).isEqualTo(before);
        assertThat(firewall.current()).isEqualTo(current);
        assertThat(Probe.tcp(t.outside, HOST_IP, 8080)).isPresent();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
