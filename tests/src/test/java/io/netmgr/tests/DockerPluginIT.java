package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.utility.DockerImageName;

/**
 * dockerd running its containers on netmgr, driven from Java with Testcontainers as a developer
 * would: {@code Network.builder().driver("netmgr")}, containers with aliases and published
 * ports, {@code execInContainer}. One dockerd and one netmgrd for the class (each takes seconds
 * to start), in a namespace the test made, so nothing of the machine's is touched; the restart
 * and crash cases restart them. Testcontainers finds the test's dockerd through DOCKER_HOST,
 * which the build sets (tests/pom.xml) with TESTCONTAINERS_RYUK_DISABLED (its reaper needs an
 * image no registry here serves; each test removes what it made) and
 * TESTCONTAINERS_HOST_OVERRIDE (this machine has a /.dockerenv). The Testcontainers tests run
 * first: its client keeps connections to dockerd open, and after dockerd's restart (a later test,
 * with the docker CLI) their first write fails with a broken pipe.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DockerPluginIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGE = "served by a container on netmgr";
    private static final String GET = "GET /index.html HTTP/1.0\r\n\r\n";
    /** busybox's web server on port 8080, serving the image's /www. */
    private static final String[] HTTPD = {"httpd", "-f", "-p", "8080", "-h", "/www"};

    @RegisterExtension
    static final TestNamespaces NETNS = TestNamespaces.perClass();

    @TempDir
    static Path dir;

    static NetNs host;
    static Path pluginSocket;
    static DaemonProcess netmgrd;
    static DockerDaemon dockerd;

    @BeforeAll
    static void startDaemons() throws Exception {
        assumeTrue(DockerDaemon.available(), "needs dockerd and the docker CLI (docker.io), nsenter and unshare, busybox-static");
        String dockerHost = System.getenv("DOCKER_HOST");
        assumeTrue(dockerHost != null && dockerHost.startsWith("unix://"), "needs DOCKER_HOST=unix://... (set by tests/pom.xml)");
        Path dockerSocket = Path.of(URI.create(dockerHost).getPath());
        host = NETNS.create("dkp");
        pluginSocket = dir.resolve("plugins/netmgr.sock");
        netmgrd = startNetmgrd(Map.of());
        dockerd = new DockerDaemon(dockerSocket.getParent(), dockerSocket, pluginSocket.getParent(), host.path()).start();
        dockerd.importBusybox();
    }

    @AfterAll
    static void stopDaemons() throws Exception {
        try {
            if (dockerd != null) {
                dockerd.close(); // first: stopping its containers, it calls the plugin
            }
        } finally {
            if (netmgrd != null) {
                netmgrd.close();
            }
        }
    }

    @Test
    @Order(1)
    void twoContainersOnOneNetworkTalkByAddressAndByAlias() throws Exception {
        try (Network network = Network.builder().driver("netmgr")
                     .createNetworkCmdModifier(cmd -> cmd.withOptions(Map.of("mtu", "1400"))).build(); // -o mtu=1400
             GenericContainer<?> server = busybox().withNetwork(network).withNetworkAliases("backend")
                     .withCommand(HTTPD);
             GenericContainer<?> client = busybox().withNetwork(network).withCommand("sleep", "600")) {
            server.start();
            client.start();
            awaitPage(client, address(server)); // httpd may still be starting
            awaitPage(client, "backend"); // by alias, through dockerd's resolver: its first answer may come late

            // the network and its containers are netmgr's: a bridge network, two sandboxes
            String name = "docker-" + network.getId().substring(0, 12);
            JsonNode inspected = JSON.readTree(netmgr("network", "inspect", name).out()).get(0);
            assertThat(inspected.path("driver").asText()).isEqualTo("bridge");
            assertThat(inspected.path("labels").path("com.docker.network.id").asText()).isEqualTo(network.getId());
            assertThat(netmgr("sandbox", "ls").out().lines().filter(l -> l.contains("docker-"))).hasSize(2);
            assertThat(hostLinks()).contains("nm-" + inspected.path("id").asText().substring(0, 12));
            assertThat(inspected.path("options").path("mtu").asText()).isEqualTo("1400");
            assertThat(client.execInContainer("ip", "link", "show", "eth0").getStdout()).contains("mtu 1400");
        }
        var bad = dockerd.docker("network", "create", "-d", "netmgr", "-o", "mtu=huge", "badmtu");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.err()).contains("netmgr: option mtu=huge", "give a number from 68 to 65535");
        assertNothingLeft();
    }

    @Test
    @Order(2)
    void containersOnTwoNetworksCannotReachEachOther() throws Exception {
        try (Network front = Network.builder().driver("netmgr").build();
             Network back = Network.builder().driver("netmgr").build();
             GenericContainer<?> server = busybox().withNetwork(back).withCommand(HTTPD);
             GenericContainer<?> outsider = busybox().withNetwork(front).withCommand("sleep", "600");
             GenericContainer<?> insider = busybox().withNetwork(back).withCommand("sleep", "600")) {
            server.start();
            outsider.start();
            insider.start();
            awaitPage(insider, address(server)); // the server answers...
            assertThat(fetch(outsider, address(server))).doesNotContain(PAGE); // ...not across networks
        }
        assertNothingLeft();
    }

    @Test
    @Order(3)
    void aPublishedPortReachesTheContainerFromTheHostAndThroughLoopback() throws Exception {
        try (Network network = Network.builder().driver("netmgr").build();
             GenericContainer<?> server = busybox().withNetwork(network).withCommand(HTTPD)
                     // the API's -p: exposed (dockerd maps exposed ports only) and bound; not withExposedPorts, whose
                     // wait strategy asks dockerd for the mapped port, which dockerd never shows for a remote driver
                     .withCreateContainerCmdModifier(cmd -> cmd.withExposedPorts(ExposedPort.tcp(8080)).getHostConfig().withPortBindings(
                             new PortBinding(Ports.Binding.bindPort(18080), ExposedPort.tcp(8080)), // -p 18080:8080
                             new PortBinding(Ports.Binding.empty(), ExposedPort.tcp(8080))))) { // -p 8080: netmgr picks the host port
            server.start();
            // the namespace plays the host: its own loopback and the network's gateway are the host's addresses
            await(() -> answers(18080), "the container answers on 127.0.0.1:18080"); // httpd may still be starting
            assertThat(Traffic.exchange(host, InetAddress.getByName(gateway(server)), 18080, GET, 10_000)).contains(PAGE);
            // dockerd shows no port a remote driver publishes (moby/libnetwork#2451): netmgr's API does
            List<Integer> hostPorts = publishedHostPorts(server);
            assertThat(hostPorts).contains(18080).hasSize(2);
            int picked = hostPorts.stream().filter(p -> p != 18080).findFirst().orElseThrow();
            assertThat(picked).isBetween(49153, 60999);
            assertThat(answers(picked)).as("the port netmgr picked answers").isTrue();
        }
        assertNothingLeft();
    }

    @Test
    @Order(4)
    void netmgrsIpamDriverGivesThePoolsAndAddresses() throws Exception {
        try {
            assertOk(dockerd.docker("network", "create", "-d", "netmgr", "--ipam-driver", "netmgr", "--subnet", "10.203.0.0/24",
                    "--ip-range", "10.203.0.128/25", "--gateway", "10.203.0.254", "ranged"));
            assertOk(dockerd.docker("network", "create", "-d", "netmgr", "--ipam-driver", "netmgr", "pooled"));
            assertOk(runHttpd("ranged1", "ranged", 18085));
            String address = dockerd.docker("inspect", "ranged1", "--format",
                    "{{(index .NetworkSettings.Networks \"ranged\").IPAddress}} {{(index .NetworkSettings.Networks \"ranged\").Gateway}}")
                    .out().trim();
            assertThat(address).isEqualTo("10.203.0.128 10.203.0.254"); // the range's first, through the given gateway
            await(() -> answers(18085), "the container answers on 18085");
            JsonNode pooled = JSON.readTree(dockerd.docker("network", "inspect", "pooled").out()).get(0);
            String subnet = pooled.path("IPAM").path("Config").get(0).path("Subnet").asText();
            JsonNode netmgrView = JSON.readTree(netmgr("network", "inspect", "docker-" + pooled.path("Id").asText().substring(0, 12))
                    .out()).get(0);
            assertThat(netmgrView.path("pools").get(0).path("subnet").asText()).isEqualTo(subnet); // one pool, netmgr's
            var overlap = dockerd.docker("network", "create", "-d", "netmgr", "--ipam-driver", "netmgr", "--subnet", "10.203.0.0/16", "x");
            assertThat(overlap.exit()).isNotZero();
            assertThat(overlap.err()).contains("netmgr: ", "10.203.0.0/16");
        } finally {
            dockerd.docker("rm", "-f", "ranged1");
            dockerd.docker("network", "rm", "ranged", "pooled");
        }
        assertNothingLeft();
        assertThat(NetmgrdIT.curl(netmgrd, "GET", "/v1/networks", null).body()).doesNotContain("10.203.0.");
    }

    @Test
    @Order(5)
    void aRestartedDockerdFindsItsNetworksAndRestartsItsContainersOnThem() throws Exception {
        try {
            assertOk(dockerd.docker("network", "create", "-d", "netmgr", "--subnet", "10.201.0.0/24", "kept"));
            assertOk(runHttpd("always", "kept", 18081, "--restart", "always"));
            await(() -> answers(18081), "the container answers on 18081");

            dockerd.stop();
            dockerd.start();

            await(() -> answers(18081), "the container restarted by dockerd answers on 18081 again");
            assertThat(dockerd.docker("inspect", "always", "--format", "{{(index .NetworkSettings.Networks \"kept\").IPAddress}}")
                    .out()).startsWith("10.201.0.");
            assertThat(netmgr("sandbox", "ls").out().lines().filter(l -> l.contains("docker-"))).hasSize(1); // the old one went
        } finally {
            dockerd.docker("rm", "-f", "always");
            dockerd.docker("network", "rm", "kept");
        }
        assertNothingLeft();
    }

    @Test
    @Order(6)
    void runningContainersKeepTheirTrafficWhileNetmgrdRestarts() throws Exception {
        try {
            assertOk(dockerd.docker("network", "create", "-d", "netmgr", "steady"));
            assertOk(runHttpd("steady1", "steady", 18082));
            await(() -> answers(18082), "the container answers on 18082");

            netmgrd.stop();
            assertThat(answers(18082)).as("traffic while netmgrd is down").isTrue();
            netmgrd = startNetmgrd(Map.of());

            assertThat(answers(18082)).as("traffic after netmgrd's restart").isTrue();
            assertOk(runHttpd("steady2", "steady", 18083)); // dockerd's next calls succeed
            await(() -> answers(18083), "a container started after netmgrd's restart answers on 18083");
            var taken = runHttpd("steady3", "steady", 18083);
            assertThat(taken.exit()).isNotZero();
            assertThat(taken.err()).as("netmgr's refusal, as the docker CLI shows it").contains("Error response from daemon", "netmgr: ", "18083");
        } finally {
            dockerd.docker("rm", "-f", "steady1", "steady2", "steady3");
            dockerd.docker("network", "rm", "steady");
        }
        assertNothingLeft();
    }

    @Test
    @Order(7)
    void netmgrdKilledInTheMiddleOfDockerRunLeavesNothingAndTheNextRunWorks() throws Exception {
        try {
            assertOk(dockerd.docker("network", "create", "-d", "netmgr", "--subnet", "10.202.0.0/24", "crashy"));
            netmgrd.stop();
            // halts as kill -9 would, once the veth pair and the port's rules are made, before the store commits the join
            netmgrd = startNetmgrd(Map.of("NETMGR_OPTS", "-Dnetmgr.crashAt=join.after-firewall"));
            var failed = runHttpd("crashed", "crashy", 18084);
            assertThat(failed.exit()).isNotZero();
            await(() -> !netmgrd.alive(), "netmgrd halts at the crash point");
            dockerd.docker("rm", "-f", "crashed");

            netmgrd = startNetmgrd(Map.of());
            assertThat(hostLinks()).as("no veth left").noneMatch(l -> l.startsWith("nmv") || l.startsWith("nmd"));
            assertThat(nftables()).as("no rule left for the port").doesNotContain("18084");
            String network = JSON.readTree(dockerd.docker("network", "inspect", "crashy").out()).get(0).path("Id").asText();
            assertThat(netmgr("network", "inspect", "docker-" + network.substring(0, 12)).exit()).isZero();
            assertThat(endpointsOf("docker-" + network.substring(0, 12))).as("no endpoint left").isEmpty();

            assertOk(runHttpd("again", "crashy", 18084));
            await(() -> answers(18084), "the next run answers on 18084");
        } finally {
            dockerd.docker("rm", "-f", "crashed", "again");
            dockerd.docker("network", "rm", "crashy");
        }
        assertNothingLeft();
    }

    @Test
    @Order(8)
    void dockerSaysClearlyWhenThePluginSocketIsGone() throws Exception {
        try {
            assertOk(dockerd.docker("network", "create", "-d", "netmgr", "orphan"));
            netmgrd.stop();
            var run = dockerd.docker("run", "--rm", "--network", "orphan", DockerDaemon.IMAGE, "true");
            assertThat(run.exit()).isNotZero();
            assertThat(run.err()).contains("netmgr").containsAnyOf("no such file or directory", "connection refused");
        } finally {
            if (!netmgrd.alive()) {
                netmgrd = startNetmgrd(Map.of());
            }
            dockerd.docker("network", "rm", "orphan");
        }
        assertNothingLeft();
    }

    // ---- helpers

    private static DaemonProcess startNetmgrd(Map<String, String> env) throws Exception {
        Files.createDirectories(dir.resolve("netmgrd"));
        return new DaemonProcess(dir.resolve("netmgrd"), NetmgrdIT.name(host), env)
                .withArgs("--docker-plugin", pluginSocket.toString()).start();
    }

    /** {@code docker run -d --name NAME --network NETWORK -p HOSTPORT:8080 [OPTIONS] IMAGE httpd...} */
    private static Distribution.Result runHttpd(String name, String network, int hostPort, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("run", "-d", "--name", name, "--network", network,
                "-p", hostPort + ":8080"));
        args.addAll(List.of(options));
        args.add(DockerDaemon.IMAGE);
        args.addAll(List.of(HTTPD));
        return dockerd.docker(args.toArray(String[]::new));
    }

    private static GenericContainer<?> busybox() {
        return new GenericContainer<>(DockerImageName.parse(DockerDaemon.IMAGE));
    }

    /** What the server at {@code target}:8080 answers to a client in {@code from}, through busybox's nc. */
    private static String fetch(GenericContainer<?> from, String target) throws Exception {
        Container.ExecResult r = from.execInContainer("sh", "-c", "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 3 " + target + " 8080");
        return r.getStdout();
    }

    private static void awaitPage(GenericContainer<?> from, String target) throws InterruptedException {
        await(() -> {
            try {
                return fetch(from, target).contains(PAGE);
            } catch (Exception e) {
                return false;
            }
        }, "the server at " + target + " answers");
    }

    private static String address(GenericContainer<?> c) {
        return c.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    }

    private static String gateway(GenericContainer<?> c) {
        return c.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getGateway();
    }

    /** The host ports netmgr published for {@code c}'s endpoint, from netmgr's own API. */
    private static List<Integer> publishedHostPorts(GenericContainer<?> c) throws Exception {
        String endpointId = c.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getEndpointId();
        JsonNode endpoints = JSON.readTree(NetmgrdIT.curl(netmgrd, "GET", "/v1/endpoints", null).body());
        for (JsonNode e : endpoints) {
            if (e.path("name").asText().equals("docker-" + endpointId.substring(0, 12))) {
                return java.util.stream.StreamSupport.stream(e.path("ports").spliterator(), false)
                        .map(p -> Integer.parseInt(p.asText().split(":")[0])).toList();
            }
        }
        throw new AssertionError("netmgr has no endpoint for docker endpoint " + endpointId + ": " + endpoints);
    }

    private static List<JsonNode> endpointsOf(String network) throws Exception {
        String id = JSON.readTree(netmgr("network", "inspect", network).out()).get(0).path("id").asText();
        JsonNode endpoints = JSON.readTree(NetmgrdIT.curl(netmgrd, "GET", "/v1/endpoints", null).body());
        return java.util.stream.StreamSupport.stream(endpoints.spliterator(), false)
                .filter(e -> e.path("networkId").asText().equals(id)).toList();
    }

    private static boolean answers(int hostPort) {
        try {
            return Traffic.exchange(host, InetAddress.getLoopbackAddress(), hostPort, GET, 3_000).contains(PAGE);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** After a test: no docker network but the predefined ones in netmgr, no link of a container, no rule of a port. */
    private static void assertNothingLeft() throws Exception {
        await(() -> {
            try {
                return netmgr("network", "ls").out().lines().noneMatch(l -> l.contains("docker-"))
                        && hostLinks().stream().allMatch(l -> List.of("lo", "netmgr0").contains(l));
            } catch (Exception e) {
                return false;
            }
        }, "netmgr forgets the test's networks and removes their links");
        assertThat(netmgr("sandbox", "ls").out()).doesNotContain("docker-");
        assertThat(nftables()).doesNotContain("1808");
    }

    private static List<String> hostLinks() {
        return java.util.stream.StreamSupport.stream(IpOracle.ip(host, "link", "show").spliterator(), false)
                .map(l -> l.path("ifname").asText()).toList();
    }

    private static String nftables() throws Exception {
        return DockerDaemon.sh("ip netns exec " + NetmgrdIT.name(host) + " nft list ruleset").out();
    }

    private static Distribution.Result netmgr(String... args) throws Exception {
        return NetmgrdIT.cli(netmgrd, args);
    }

    private static void assertOk(Distribution.Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
    }

    /** Polls {@code condition} until it holds, for up to 60 s (generous: 2 cores shared with other builds). */
    private static void await(BooleanSupplier condition, String what) {
        Eventually.waitFor(what, java.time.Duration.ofSeconds(60), condition);
    }
}
