package io.netmgr.tests;

import static io.netmgr.netlink.testing.Eventually.waitFor;
import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.inspect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.cni.Json;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An overlay network through the built distribution, as a user drives it: two hosts, each the
 * built netmgrd in its namespace on a real three-member etcd; the network made with the CLI on
 * one host is the same on the other, sandboxes connected on each host talk TCP over VXLAN, and
 * network rm is refused while a host has an endpoint on it, naming that host; and the CNI plugin
 * on each host attaches containers to one cluster-wide overlay through its netmgrd.
 */
class OverlayClusterIT {

    @RegisterExtension
    static final ClusterHosts CLUSTER = new ClusterHosts(2, Map.of());

    @RegisterExtension
    final DaemonSandboxes sandboxes = new DaemonSandboxes();

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @TempDir
    Path tmp;

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
        String webPath = sandboxes.add(inspect(one.daemon, "sandbox", "web").path("namespacePath").asText());
        String clientPath = sandboxes.add(inspect(two.daemon, "sandbox", "client").path("namespacePath").asText());
        var connected = cli(one.daemon, "network", "connect", "--ip", "10.96.0.10", "ovx", "web");
        assertThat(connected.exit()).as(connected.err()).isZero();
        assertThat(cli(two.daemon, "network", "connect", "ovx", "client").exit()).isZero();

        InetAddress web = IpAddress.parse("10.96.0.10").toInetAddress();
        try (NetNs webNs = NetNs.openPath(Path.of(webPath)); NetNs clientNs = NetNs.openPath(Path.of(clientPath));
             var echo = Traffic.echoServer(webNs, web, 7000)) {
            assertThat(exchangeOnceConverged(clientNs, web, 7000, "across hosts")).isEqualTo("across hosts");
        }
        // by name too, through the client's resolver on host two: web's sandbox lives on host one
        waitFor("web resolved on host two", () -> getent(two, "client", "web").exit() == 0);
        assertThat(getent(two, "client", "web").out()).startsWith("10.96.0.10 ");

        var busy = cli(two.daemon, "network", "rm", "ovx");
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(busy.err()).contains("has active endpoints on host(s)").contains("198.51.100.1").contains("198.51.100.2");
        assertThat(cli(one.daemon, "sandbox", "rm", "web").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "rm", "client").exit()).isZero();
        var removed = cli(two.daemon, "network", "rm", "ovx");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(cli(one.daemon, "network", "ls", "-q", "-f", "name=ovx").out()).isEmpty();
    }

    @Test
    void theDockerCliManagesAnOverlayAcrossTwoHosts() throws Exception {
        Path docker = DockerCli.path();
        org.junit.jupiter.api.Assumptions.assumeTrue(docker != null, "needs the docker CLI on the PATH");
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        Map<String, String> onOne = Map.of("DOCKER_HOST", one.daemon.host(), "DOCKER_CONFIG", tmp.resolve("docker1").toString());
        Map<String, String> onTwo = Map.of("DOCKER_HOST", two.daemon.host(), "DOCKER_CONFIG", tmp.resolve("docker2").toString());

        var created = Distribution.run(docker, onOne, "network", "create", "-d", "overlay", "--subnet", "10.93.0.0/24", "dov");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().trim();
        // as Docker shows a swarm overlay: scope swarm, attachable (netmgr's overlays always are)
        assertThat(Distribution.run(docker, onTwo, "network", "ls", "-f", "name=dov", "--format", "{{.ID}} {{.Name}} {{.Driver}} {{.Scope}}")
                .out()).isEqualTo(id.substring(0, 12) + " dov overlay swarm\n");
        var inspected = Distribution.run(docker, onTwo, "network", "inspect", "dov", "--format",
                "{{.Id}} {{.Scope}} {{.Attachable}} {{(index .IPAM.Config 0).Subnet}}");
        assertThat(inspected.out()).as(inspected.err()).isEqualTo(id + " swarm true 10.93.0.0/24\n");

        // netmgr sandboxes play the containers, one on each host, connected with the docker CLI
        assertThat(cli(one.daemon, "sandbox", "create", "dweb").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "create", "dclient").exit()).isZero();
        String webPath = sandboxes.add(inspect(one.daemon, "sandbox", "dweb").path("namespacePath").asText());
        String clientPath = sandboxes.add(inspect(two.daemon, "sandbox", "dclient").path("namespacePath").asText());
        var web = Distribution.run(docker, onOne, "network", "connect", "--ip", "10.93.0.10", "dov", "dweb");
        assertThat(web.exit()).as(web.err()).isZero();
        var client = Distribution.run(docker, onTwo, "network", "connect", "dov", "dclient");
        assertThat(client.exit()).as(client.err()).isZero();
        InetAddress webAddress = IpAddress.parse("10.93.0.10").toInetAddress();
        try (NetNs webNs = NetNs.openPath(Path.of(webPath)); NetNs clientNs = NetNs.openPath(Path.of(clientPath));
             var echo = Traffic.echoServer(webNs, webAddress, 7001)) {
            assertThat(exchangeOnceConverged(clientNs, webAddress, 7001, "docker overlay")).isEqualTo("docker overlay");
        }

        assertThat(Distribution.run(docker, onTwo, "network", "disconnect", "dov", "dclient").exit()).isZero();
        var busy = Distribution.run(docker, onTwo, "network", "rm", "dov"); // host one's endpoint holds it
        assertThat(busy.exit()).isEqualTo(1);
        assertThat(busy.err()).contains("Error response from daemon: ").contains("has active endpoints").contains("198.51.100.1");
        assertThat(Distribution.run(docker, onOne, "network", "disconnect", "dov", "dweb").exit()).isZero();
        var removed = Distribution.run(docker, onTwo, "network", "rm", "dov");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(Distribution.run(docker, onOne, "network", "ls", "-q", "-f", "name=dov").out()).isEmpty();

        // --scope swarm, as a swarm user types it, is an overlay's scope here too
        var swarm = Distribution.run(docker, onOne, "network", "create", "-d", "overlay", "--scope", "swarm", "--subnet", "10.93.1.0/24", "dsw");
        assertThat(swarm.exit()).as(swarm.err()).isZero();
        assertThat(Distribution.run(docker, onTwo, "network", "rm", "dsw").exit()).isZero();
        assertThat(cli(one.daemon, "sandbox", "rm", "dweb").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "rm", "dclient").exit()).isZero();
    }

    @Test
    void aKilledHostsAddressIsFreeOnceItsLeaseExpiresAndItsEndpointIsWithdrawnWhenItComesBack() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        assertThat(cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.97.0.0/24", "ovk").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "create", "gone").exit()).isZero();
        String gonePath = sandboxes.add(inspect(two.daemon, "sandbox", "gone").path("namespacePath").asText());
        assertThat(cli(two.daemon, "network", "connect", "--ip", "10.97.0.10", "ovk", "gone").exit()).isZero();
        assertThat(cli(one.daemon, "sandbox", "create", "taker").exit()).isZero();
        sandboxes.add(inspect(one.daemon, "sandbox", "taker").path("namespacePath").asText());
        var refused = cli(one.daemon, "network", "connect", "--ip", "10.97.0.10", "ovk", "taker");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("10.97.0.10");

        two.daemon.kill(); // kill -9: its sandbox stays, its lease expires a TTL later
        long deadline = System.nanoTime() + 30_000_000_000L;
        Distribution.Result taken;
        while ((taken = cli(one.daemon, "network", "connect", "--ip", "10.97.0.10", "ovk", "taker")).exit() != 0) {
            assertThat(System.nanoTime()).as("10.97.0.10 free within 30 s: " + taken.err()).isLessThan(deadline);
            Thread.sleep(100); // a poll of the daemon's answer, not a wait for a duration
        }
        var busy = cli(one.daemon, "network", "rm", "ovk");
        assertThat(busy.err()).as("the dead host no longer holds the network").contains("198.51.100.1").doesNotContain("198.51.100.2");

        two.start(); // back: its endpoint's address is host one's now, so it is withdrawn from host two
        try (NetNs gone = NetNs.openPath(Path.of(gonePath))) {
            assertThat(IpOracle.ip(gone, "addr").toString()).as("the interface gone from its sandbox").doesNotContain("10.97.0.10");
        }
        JsonNode note = inspect(two.daemon, "sandbox", "gone").path("withdrawn").path(0);
        assertThat(note.path("state").asText()).as("sandbox inspect says why: " + note).isEqualTo("withdrawn");
        assertThat(note.path("network").asText()).isEqualTo("ovk");
        assertThat(note.path("reason").asText()).contains("its address 10.97.0.10 on network ovk was taken while this host was away");
        assertThat(cli(one.daemon, "sandbox", "rm", "taker").exit()).isZero();
        var removed = cli(one.daemon, "network", "rm", "ovk");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(cli(two.daemon, "sandbox", "rm", "gone").exit()).isZero();
    }

    @Test
    void cniConfigurationsOnTwoHostsShareOneClusterWideNetwork() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        NetNs c1 = netns.create("ovc1");
        NetNs c2 = netns.create("ovc2");
        Path plugins = Files.createDirectories(tmp.resolve("cni-bin"));
        Files.createSymbolicLink(plugins.resolve("netmgr"), Distribution.HOME.resolve("bin/netmgr-cni"));
        CniRuntime onOne = new CniRuntime(plugins, Map.of("NETMGR_STATE_DIR", one.daemon.stateDir.toString()));
        CniRuntime onTwo = new CniRuntime(plugins, Map.of("NETMGR_STATE_DIR", two.daemon.stateDir.toString()));
        // each node names its configuration as it likes; "network" names the one overlay they share
        String confOne = Json.write(conf("pods-node1", one));
        String confTwo = Json.write(conf("pods-node2", two));

        CniRuntime.Outcome a1 = onOne.exec("netmgr", "ADD", "ctr-o1", c1.path().toString(), "eth0", confOne, Map.of()).assertOk();
        CniRuntime.Outcome a2 = onTwo.exec("netmgr", "ADD", "ctr-o2", c2.path().toString(), "eth0", confTwo, Map.of()).assertOk();
        String ip1 = a1.out().replaceAll("(?s).*\"address\":\"([0-9.]+)/.*", "$1");
        String ip2 = a2.out().replaceAll("(?s).*\"address\":\"([0-9.]+)/.*", "$1");
        assertThat(ip1).startsWith("10.95.").isNotEqualTo(ip2);
        assertThat(cli(two.daemon, "network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}", "-f", "name=cluster-pods").out())
                .isEqualTo("cluster-pods overlay global\n");

        InetAddress first = InetAddress.getByName(ip1);
        try (var echo = Traffic.echoServer(c1, first, 80)) {
            assertThat(exchangeOnceConverged(c2, first, 80, "pod to pod")).isEqualTo("pod to pod");
        }
        onOne.exec("netmgr", "DEL", "ctr-o1", null, "eth0", confOne, Map.of()).assertOk();
        onTwo.exec("netmgr", "DEL", "ctr-o2", null, "eth0", confTwo, Map.of()).assertOk();
        assertThat(cli(one.daemon, "network", "rm", "cluster-pods").exit()).isZero();
    }

    private static Map<String, Object> conf(String name, ClusterHosts.Host host) {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("cniVersion", "1.1.0");
        conf.put("name", name);
        conf.put("type", "netmgr");
        conf.put("driver", "overlay");
        conf.put("network", "cluster-pods");
        conf.put("subnet", "10.95.0.0/16");
        conf.put("daemonSocket", host.daemon.socket.toString());
        return conf;
    }

    /** TCP from {@code client}, tried again until the peer entries have reached its host (30 s at most). */
    static String exchangeOnceConverged(NetNs client, InetAddress address, int port, String message) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return Traffic.exchange(client, address, port, message, 2000);
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }


    /** {@code getent hosts NAME} in {@code sandbox} of {@code host}, through its resolv.conf (as `ip netns exec` binds it). */
    private static Distribution.Result getent(ClusterHosts.Host host, String sandbox, String name) {
        try {
            return cli(host.daemon, "sandbox", "exec", sandbox, "--", "getent", "hosts", name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
