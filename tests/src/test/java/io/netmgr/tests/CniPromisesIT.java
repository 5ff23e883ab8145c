package io.netmgr.tests;

import static io.netmgr.tests.CniPluginIT.ipOf;
import static io.netmgr.tests.CniTestHost.HOST_IP;
import static io.netmgr.tests.CniTestHost.OUTSIDE_IP;
import static io.netmgr.tests.CniTestHost.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's promises through the CNI plugin, in-process and through netmgrd, shown by packets:
 * ipMasq false, hairpinMode false, the CVE-2020-8558 guard and IPv6 published ports.
 */
class CniPromisesIT extends CniOnBothPaths {
    private static final String HOST_IP6 = "fd00:198::1";
    private static final String OUTSIDE_IP6 = "fd00:198::2";

    private Map<String, Object> withPort(Map<String, Object> conf, int hostPort) {
        return with(conf, "runtimeConfig", Map.of("portMappings",
                List.of(Map.of("hostPort", hostPort, "containerPort", 80, "protocol", "tcp"))));
    }

    @Test
    void ipMasqFalseLetsTheContainersOwnAddressOut() throws Exception {
        NetNs c1 = netns.create("m1");
        String ip = ipOf(t.add("masq-1", c1, with(t.conf("1.1.0"), "ipMasq", false)).assertOk().json());
        IpOracle.ipDo(t.outside, "route", "add", t.subnet, "via", HOST_IP); // the answer needs a way back
        assertThat(sourceSeen(t.outside, c1, OUTSIDE_IP)).isEqualTo(ip);
    }

    @Test
    void hairpinModeFalseKeepsTheContainerFromItsOwnPublishedPortThroughTheHost() throws Exception {
        NetNs c1 = netns.create("p1");
        t.add("hair-1", c1, withPort(with(t.conf("1.1.0"), "hairpinMode", false), 18090)).assertOk();
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) { // one connection
            assertThatThrownBy(() -> Traffic.exchange(c1, InetAddress.getByName(HOST_IP), 18090, "hairpin", 1500))
                    .isInstanceOf(UncheckedIOException.class);
            assertThat(Traffic.exchange(t.outside, InetAddress.getByName(HOST_IP), 18090, "outside", 3000)).isEqualTo("outside");
        }
    }

    @Test
    void aPacketToLoopbackFromAnotherHostNeverReachesAContainerCve2020_8558() throws Exception {
        NetNs c1 = netns.create("l1");
        t.add("loop-1", c1, withPort(t.conf("1.1.0"), 18091)).assertOk();
        // the outside host sends to 127.0.0.1 through the host, as an attacker on its link can
        IpOracle.exec(t.outside, "sysctl", "-qw", "net.ipv4.conf.all.route_localnet=1", "net.ipv4.conf.up1.route_localnet=1");
        IpOracle.ipDo(t.outside, "route", "del", "local", "127.0.0.0/8", "dev", "lo", "table", "local");
        IpOracle.ipDo(t.outside, "route", "del", "local", "127.0.0.1", "dev", "lo", "table", "local");
        IpOracle.ipDo(t.outside, "route", "add", "127.0.0.1/32", "via", HOST_IP, "dev", "up1");
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) { // one connection
            assertThatThrownBy(() -> Traffic.exchange(t.outside, InetAddress.getByName("127.0.0.1"), 18091, "remote", 1000));
            assertThat(Traffic.exchange(t.host, InetAddress.getByName("127.0.0.1"), 18091, "local", 3000)).isEqualTo("local");
        }
        // the breach would be the SYN reaching the container, answered or not: conntrack on the host would show the flow
        assertThat(IpOracle.exec(t.host, "conntrack", "-L")).doesNotContain("src=" + OUTSIDE_IP + " dst=127.0.0.1");
    }

    @Test
    void ipv6PublishedPortsAnswerFromOutside() throws Exception {
        IpOracle.ipDo(t.host, "addr", "add", HOST_IP6 + "/64", "dev", "up0", "nodad");
        IpOracle.ipDo(t.outside, "addr", "add", OUTSIDE_IP6 + "/64", "dev", "up1", "nodad");
        Map<String, Object> dual = with(t.conf("1.1.0"), "ipam", Map.of("type", "host-local", "ranges", List.of(
                List.of(Map.of("subnet", t.subnet)), List.of(Map.of("subnet", "fd00:213:" + t.octet + "::/64"))),
                "routes", List.of(Map.of("dst", "0.0.0.0/0"), Map.of("dst", "::/0"))));
        NetNs c1 = netns.create("v1");
        t.add("six-1", c1, withPort(dual, 18092)).assertOk();
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("::"), 80)) {
            assertThat(Traffic.exchange(t.outside, InetAddress.getByName(HOST_IP6), 18092, "over ipv6", 3000)).isEqualTo("over ipv6");
        }
    }

    /** The source address a server in {@code server} on port 7000 sees when {@code client} connects to {@code address}. */
    private static String sourceSeen(NetNs server, NetNs client, String address) throws Exception {
        try (ServerSocket listening = server.call(() -> new ServerSocket(7000))) {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = listening.accept()) {
                    return s.getInetAddress().getHostAddress();
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            client.run(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(address, 7000), 3000);
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return seen.get(5, TimeUnit.SECONDS);
        }
    }
}
