package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An overlay network through the built distribution, as a user drives it: two hosts, each the
 * built netmgrd in its namespace on a real three-member etcd; the network made with the CLI on
 * one host is the same on the other, sandboxes connected on each host talk TCP over VXLAN, and
 * network rm is refused while a host has an endpoint on it, naming that host.
 */
class OverlayClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final ClusterHosts CLUSTER = new ClusterHosts(2, Map.of());

    @RegisterExtension
    final DaemonSandboxes sandboxes = new DaemonSandboxes();

    @Test
    void anOverlayMadeOnOneHostCarriesTrafficBetweenSandboxesOnTwo() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        var created = cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.96.0.0/24", "-o", "vxlan.id=4242", "ovx");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().trim();
        assertThat(cli(two.daemon, "network", "ls", "--format", "{{.ID}} {{.Scope}}", "-f", "name=ovx").out().trim())
                .isEqualTo(id + " global");

        assertThat(cli(one.daemon, "sandbox", "create", "web").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "create", "client").exit()).isZero();
        String webPath = sandboxes.add(inspect(one, "sandbox", "web").path("namespacePath").asText());
        String clientPath = sandboxes.add(inspect(two, "sandbox", "client").path("namespacePath").asText());
        var connected = cli(one.daemon, "network", "connect", "--ip", "10.96.0.10", "ovx", "web");
        assertThat(connected.exit()).as(connected.err()).isZero();
        assertThat(cli(two.daemon, "network", "connect", "ovx", "client").exit()).isZero();

        InetAddress web = IpAddress.parse("10.96.0.10").toInetAddress();
        try (NetNs webNs = NetNs.openPath(Path.of(webPath)); NetNs clientNs = NetNs.openPath(Path.of(clientPath));
             var echo = Traffic.echoServer(webNs, web, 7000)) {
            // the join's peer entry reaches host two through etcd's watch: allow it its time
            long deadline = System.nanoTime() + 30_000_000_000L;
            String answer = null;
            while (answer == null) {
                try {
                    answer = Traffic.exchange(clientNs, web, 7000, "across hosts", 2000);
                } catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
            assertThat(answer).isEqualTo("across hosts");
        }

        var busy = cli(two.daemon, "network", "rm", "ovx");
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(busy.err()).contains("has active endpoints on host(s)").contains("198.51.100.1").contains("198.51.100.2");
        assertThat(cli(one.daemon, "sandbox", "rm", "web").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "rm", "client").exit()).isZero();
        var removed = cli(two.daemon, "network", "rm", "ovx");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(cli(one.daemon, "network", "ls", "-q", "-f", "name=ovx").out()).isEmpty();
    }

    private static JsonNode inspect(ClusterHosts.Host host, String kind, String name) throws Exception {
        var r = cli(host.daemon, kind, "inspect", name);
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode node = JSON.readTree(r.out());
        return node.isArray() ? node.get(0) : node;
    }
}
