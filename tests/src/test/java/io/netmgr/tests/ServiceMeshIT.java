package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routing mesh through the built distribution, as a user drives it: three hosts (the built
 * netmgrd in each namespace, a real three-member etcd), one overlay, a global service made on
 * host 1 with backends on hosts 1 and 2 and none on host 3. Its ingress port answers on all
 * three hosts from a client outside the cluster and reaches both backends; its VIP, from a
 * container on host 3, reaches both, each seeing the container's own address; its host-mode
 * port answers only where a backend runs, only to it, with the client's address kept. Host 2 killed (its backend's namespace stays): its
 * backend leaves the other hosts' rules once its lease expires. Removed from host 3, the service
 * leaves no rule on any host.
 */
class ServiceMeshIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final int TRIES = 24; // connections per check: both of two backends answer (miss one: 2^-23)

    @RegisterExtension
    static final ClusterHosts CLUSTER = new ClusterHosts(3, Map.of());

    @RegisterExtension
    final DaemonSandboxes sandboxes = new DaemonSandboxes();

    @Test
    void aGlobalServiceAnswersOnEveryHostAndReachesBackendsOnOthers() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        ClusterHosts.Host three = CLUSTER.hosts.get(2);
        ok(one, "network", "create", "-d", "overlay", "--subnet", "10.98.0.0/24", "meshnet");
        NetNs b1 = sandbox(one, "b1", "10.98.0.11");
        NetNs b2 = sandbox(two, "b2", "10.98.0.12");
        NetNs client = sandbox(three, "client", "10.98.0.30");
        NetNs outside = CLUSTER.outside(1);
        String outsideAddress = ClusterHosts.UNDERLAY_PREFIX + "101";

        ok(one, "service", "create", "web", "--network", "meshnet", "--vip", "meshnet=10.98.0.100",
                "--publish", "8080:7000", "--publish", "mode=host,9090:7000");
        ok(one, "service", "attach", "web", "b1");
        ok(two, "service", "attach", "web", "b2");
        String ps = ok(three, "service", "ps", "web");
        assertThat(ps).as("every host lists every backend").contains("b1").contains("b2").contains("10.98.0.11").contains("10.98.0.12");
        assertThat(ps).as("each backend's host shown by its advertise address, as tasks show theirs")
                .contains(one.address + " ").contains(two.address + " ");

        try (var s1 = Traffic.identifying(b1, ip("10.98.0.11"), 7000, "b1");
             var s2 = Traffic.identifying(b2, ip("10.98.0.12"), 7000, "b2")) {
            for (ClusterHosts.Host h : CLUSTER.hosts) {
                Map<String, Integer> answers = spread(outside, h.address.toInetAddress(), 8080);
                assertThat(answers).as("ingress port on host " + h.number + " from outside").containsOnlyKeys("b1", "b2");
            }
            assertThat(answers(client, ip("10.98.0.100"), 7000)).as("the VIP from a container on host 3: both backends,"
                    + " each seeing the container's own address (the NAT undone on host 3's bridge)")
                    .containsOnlyKeys("b1 10.98.0.30", "b2 10.98.0.30");

            assertThat(once(outside, one.address.toInetAddress(), 9090)).as("host mode on host 1: its backend, client kept")
                    .isEqualTo("b1 " + outsideAddress);
            assertThat(once(outside, two.address.toInetAddress(), 9090)).isEqualTo("b2 " + outsideAddress);
            assertThatThrownBy(() -> Traffic.exchange(outside, three.address.toInetAddress(), 9090, "x", 3000))
                    .as("host mode: no backend on host 3, no answer").isInstanceOf(RuntimeException.class);

            // host 3 has no container on meshnet, only its mesh address: its bridge deleted by hand is
            // made again, with the address, at the MAC the other hosts hold for it
            JsonNode bridge = overlayBridge(three);
            String name = bridge.get("ifname").asText();
            IpOracle.ipDo(three.ns, "link", "del", name);
            Eventually.waitUntil("host 3's bridge made again with its mesh address", WITHIN,
                    () -> overlayBridge(three) != null && overlayBridge(three).toString().contains("\"prefixlen\":32"));
            assertThat(overlayBridge(three).get("address").asText()).as("the same MAC").isEqualTo(bridge.get("address").asText());
            assertThat(spread(outside, three.address.toInetAddress(), 8080)).as("ingress on host 3 after the repair")
                    .containsOnlyKeys("b1", "b2");
        }

        assertThat(nft(one)).contains("10.98.0.12");
        assertThat(nft(three)).contains("10.98.0.12");
        two.daemon.kill(); // kill -9: its backend's namespace stays, its lease expires a TTL later
        Eventually.waitUntil("host 2's backend gone from hosts 1 and 3's rules after its lease", WITHIN,
                () -> !nft(one).contains("10.98.0.12") && !nft(three).contains("10.98.0.12"));
        assertThat(nft(one)).as("host 1's own backend stays").contains("10.98.0.11");

        two.start(); // back on its state dir: it takes the cluster's services again
        ok(three, "service", "rm", "web");
        for (ClusterHosts.Host h : CLUSTER.hosts) {
            Eventually.waitUntil("no rule of web on host " + h.number, WITHIN,
                    () -> !nft(h).contains("10.98.0.100") && !nft(h).contains("10.98.0.11"));
        }
        assertThat(ok(two, "service", "ls", "-q")).isEmpty();
    }

    /** A sandbox {@code name} made on host {@code h}, connected to meshnet at {@code address}; its namespace, opened. */
    private NetNs sandbox(ClusterHosts.Host h, String name, String address) throws Exception {
        ok(h, "sandbox", "create", name);
        JsonNode inspected = JSON.readTree(ok(h, "sandbox", "inspect", name));
        String path = sandboxes.add((inspected.isArray() ? inspected.get(0) : inspected).path("namespacePath").asText());
        ok(h, "network", "connect", "--ip", address, "meshnet", name);
        return NetNs.openPath(Path.of(path));
    }

    /** {@value #TRIES} connections from {@code from} to {@code address:port}: how many each backend answered. */
    private static Map<String, Integer> spread(NetNs from, InetAddress address, int port) {
        Map<String, Integer> backends = new TreeMap<>();
        answers(from, address, port).forEach((answer, n) -> backends.merge(answer.split(" ")[0], n, Integer::sum));
        return backends;
    }

    /** The answers ("BACKEND SOURCE-IT-SAW") to {@value #TRIES} connections, counted. */
    private static Map<String, Integer> answers(NetNs from, InetAddress address, int port) {
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < TRIES; i++) {
            answers.merge(once(from, address, port), 1, Integer::sum);
        }
        return answers;
    }

    /** One connection's answer, tried again while the rules and peers converge on a loaded machine (30 s at most). */
    private static String once(NetNs from, InetAddress address, int port) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return Traffic.exchange(from, address, port, "who", 3000);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    /** netmgr's nftables table on host {@code h}, as nft lists it: an independent view of its rules. */
    private static String nft(ClusterHosts.Host h) {
        return IpOracle.exec(h.ns, "nft", "list", "table", "inet", "netmgr");
    }

    /** Host {@code h}'s overlay bridge as {@code ip -j addr} shows it (its MAC, its addresses), or null. */
    private static JsonNode overlayBridge(ClusterHosts.Host h) {
        for (JsonNode link : IpOracle.ip(h.ns, "addr", "show")) {
            if (link.get("ifname").asText().startsWith("nmo")) {
                return link;
            }
        }
        return null;
    }

    private static InetAddress ip(String text) {
        return IpAddress.parse(text).toInetAddress();
    }

    private static String ok(ClusterHosts.Host h, String... args) throws Exception {
        var r = cli(h.daemon, args);
        assertThat(r.exit()).as("host " + h.number + ": netmgr " + String.join(" ", args) + ": " + r.err()).isZero();
        return r.out();
    }
}
