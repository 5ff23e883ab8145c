package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.conntrack.Conntrack;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ctnetlink against the kernel's table, with the conntrack tool as the independent oracle. */
class ConntrackIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void deletesTheUdpFlowsToOnePortAndLeavesTheOthers() {
        NetNs ns = netns.create("ct");
        trackConnections(ns);
        udp(ns, 40101, 5353);
        udp(ns, 40102, 5353);
        udp(ns, 40103, 5354);
        assertThat(oracle(ns, 5353)).as("conntrack -L before").contains("sport=40101").contains("sport=40102");

        try (Conntrack ct = Conntrack.open(ns)) {
            assertThat(ct.flows(IpFamily.V4)).filteredOn(f -> f.protocol() == Conntrack.IPPROTO_UDP)
                    .extracting(Conntrack.Flow::sourcePort, Conntrack.Flow::destinationPort)
                    .contains(org.assertj.core.groups.Tuple.tuple(40101, 5353), org.assertj.core.groups.Tuple.tuple(40103, 5354));

            assertThat(ct.deleteByDestination(IpFamily.V4, Conntrack.IPPROTO_UDP, 5353, Optional.empty())).isEqualTo(2);
            assertThat(ct.deleteByDestination(IpFamily.V4, Conntrack.IPPROTO_UDP, 5353, Optional.empty()))
                    .as("nothing left to delete").isZero();
            assertThat(ct.deleteByDestination(IpFamily.V4, Conntrack.IPPROTO_TCP, 5354, Optional.empty()))
                    .as("another protocol").isZero();
            assertThat(ct.deleteByDestination(IpFamily.V4, Conntrack.IPPROTO_UDP, 5354, Optional.of(IpAddress.parse("127.0.0.2"))))
                    .as("another destination address").isZero();
        }
        assertThat(oracle(ns, 5353)).as("conntrack -L after").doesNotContain("sport=");
        assertThat(oracle(ns, 5354)).as("the flow to another port stays").contains("sport=40103");
    }

    @Test
    void decodesTheReplySourceOfADnatedFlowAndDeletesByIt() {
        NetNs ns = netns.create("ctr");
        trackConnections(ns);
        // 127.0.0.1:5355 is DNATed to 127.0.0.3: the reply tuple's source is where the flow was sent
        IpOracle.exec(ns, "nft", "add table ip nmtctnat");
        IpOracle.exec(ns, "nft", "add chain ip nmtctnat out { type nat hook output priority -100; }");
        IpOracle.exec(ns, "nft", "add rule ip nmtctnat out udp dport 5355 dnat to 127.0.0.3");
        udp(ns, 40201, 5355);
        udp(ns, 40202, 5356);
        IpAddress backend = IpAddress.parse("127.0.0.3");
        assertThat(oracle(ns, 5355)).as("conntrack -L shows the DNAT").contains("src=127.0.0.3 ");

        try (Conntrack ct = Conntrack.open(ns)) {
            assertThat(ct.flows(IpFamily.V4)).filteredOn(f -> f.sourcePort() == 40201).singleElement()
                    .satisfies(f -> assertThat(f.replySource()).isEqualTo(backend))
                    .satisfies(f -> assertThat(f.destination()).isEqualTo(IpAddress.parse("127.0.0.1")));
            assertThat(ct.flows(IpFamily.V4)).filteredOn(f -> f.sourcePort() == 40202).singleElement()
                    .as("an unNATed flow is replied by its destination").satisfies(f -> assertThat(f.repliedBy(f.destination())).isTrue());
            assertThat(ct.delete(IpFamily.V4, f -> f.repliedBy(backend))).isEqualTo(1);
        }
        assertThat(oracle(ns, 5355)).as("conntrack -L after").doesNotContain("sport=");
        assertThat(oracle(ns, 5356)).as("the flow replied by another address stays").contains("sport=40202");
    }

    /** Conntrack tracks a namespace's packets once a hook there needs it: a rule matching on ct state. */
    private static void trackConnections(NetNs ns) {
        IpOracle.exec(ns, "nft", "add table inet nmtct");
        IpOracle.exec(ns, "nft", "add chain inet nmtct out { type filter hook output priority 0; }");
        IpOracle.exec(ns, "nft", "add rule inet nmtct out ct state new accept");
    }

    /** One datagram from {@code sourcePort} to 127.0.0.1:{@code port}: an unreplied UDP flow. */
    private static void udp(NetNs ns, int sourcePort, int port) {
        ns.run(() -> {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), sourcePort))) {
                s.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getLoopbackAddress(), port));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static String oracle(NetNs ns, int port) {
        return IpOracle.exec(ns, "sh", "-c", "conntrack -L -f ipv4 -p udp --orig-port-dst " + port + " 2>/dev/null; true");
    }
}
