package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real TCP over links made by the netlink module: veth, bridge, and VXLAN between two "hosts". */
class TrafficIT {
    private static final int PORT = 7070;

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void tcpOverVethPair() {
        NetNs a = netns.create("a");
        NetNs b = netns.create("b");
        try (NetlinkHandle ha = NetlinkHandle.open(a); NetlinkHandle hb = NetlinkHandle.open(b)) {
            ha.links().add(Veth.pair("eth0", "eth0b").withPeerIn(b));
            hb.links().rename("eth0b", "eth0");
            up(ha, "eth0", "10.11.0.1/24");
            up(hb, "eth0", "10.11.0.2/24");
            assertEcho(b, a, "10.11.0.1");
        }
    }

    @Test
    void tcpAcrossBridge() {
        NetNs host = netns.create("host");
        NetNs c1 = netns.create("c1");
        NetNs c2 = netns.create("c2");
        try (NetlinkHandle h = NetlinkHandle.open(host); NetlinkHandle h1 = NetlinkHandle.open(c1);
             NetlinkHandle h2 = NetlinkHandle.open(c2)) {
            h.links().add(Bridge.named("br0"));
            h.links().setUp("br0");
            attach(h, "veth1", c1);
            attach(h, "veth2", c2);
            up(h1, "eth0", "10.12.0.2/24");
            up(h2, "eth0", "10.12.0.3/24");
            assertEcho(c2, c1, "10.12.0.2");
        }
    }

    @Test
    void tcpOverVxlanBetweenTwoHosts() {
        NetNs hostA = netns.create("ha");
        NetNs hostB = netns.create("hb");
        try (NetlinkHandle a = NetlinkHandle.open(hostA); NetlinkHandle b = NetlinkHandle.open(hostB)) {
            underlay(a, b, hostB);
            a.links().add(Vxlan.of("vx42", 42).withLocal(addr("192.0.2.1")).withRemote(addr("192.0.2.2"))
                    .withUnderlay(a.links().get("under").index()));
            b.links().add(Vxlan.of("vx42", 42).withLocal(addr("192.0.2.2")).withRemote(addr("192.0.2.1"))
                    .withUnderlay(b.links().get("under").index()));
            up(a, "vx42", "10.42.0.1/24");
            up(b, "vx42", "10.42.0.2/24");
            assertEcho(hostB, hostA, "10.42.0.1");
        }
    }

    /** The overlay way: no learning, no multicast; peers come from static FDB and neighbour entries. */
    @Test
    void tcpOverVxlanWithStaticFdbAndNeighbours() {
        NetNs hostA = netns.create("ha");
        NetNs hostB = netns.create("hb");
        try (NetlinkHandle a = NetlinkHandle.open(hostA); NetlinkHandle b = NetlinkHandle.open(hostB)) {
            underlay(a, b, hostB);
            MacAddress macA = MacAddress.parse("02:42:0a:2b:00:01");
            MacAddress macB = MacAddress.parse("02:42:0a:2b:00:02");
            a.links().add(Vxlan.of("vx43", 43).withLearning(false).withProxy(true).withLocal(addr("192.0.2.1")));
            b.links().add(Vxlan.of("vx43", 43).withLearning(false).withProxy(true).withLocal(addr("192.0.2.2")));
            a.links().setMac("vx43", macA);
            b.links().setMac("vx43", macB);
            up(a, "vx43", "10.43.0.1/24");
            up(b, "vx43", "10.43.0.2/24");
            int vxA = a.links().get("vx43").index();
            int vxB = b.links().get("vx43").index();
            a.fdb().add(FdbEntry.vxlan(vxA, macB, addr("192.0.2.2")));
            b.fdb().add(FdbEntry.vxlan(vxB, macA, addr("192.0.2.1")));
            a.neighbours().set(Neighbour.permanent(vxA, addr("10.43.0.2"), macB));
            b.neighbours().set(Neighbour.permanent(vxB, addr("10.43.0.1"), macA));
            assertEcho(hostB, hostA, "10.43.0.1");
        }
    }

    private static void underlay(NetlinkHandle a, NetlinkHandle b, NetNs hostB) {
        a.links().add(Veth.pair("under", "underb").withPeerIn(hostB));
        b.links().rename("underb", "under");
        up(a, "under", "192.0.2.1/24");
        up(b, "under", "192.0.2.2/24");
    }

    private static void attach(NetlinkHandle host, String hostSide, NetNs container) {
        host.links().add(Veth.pair(hostSide, "eth0").withPeerIn(container));
        host.links().setMaster(hostSide, "br0");
        host.links().setUp(hostSide);
    }

    private static void up(NetlinkHandle h, String link, String cidr) {
        h.addresses().add(link, IpNet.parse(cidr));
        h.links().setUp(link);
    }

    private static void assertEcho(NetNs client, NetNs server, String serverIp) {
        InetAddress ip = addr(serverIp);
        try (Traffic.EchoServer echo = Traffic.echoServer(server, ip, PORT)) {
            String payload = "hello from " + client + " ".repeat(2000) + "end";
            assertThat(Traffic.exchange(client, ip, PORT, payload, 5000)).isEqualTo(payload);
        }
    }

    private static InetAddress addr(String s) {
        return IpAddress.parse(s).toInetAddress();
    }
}
