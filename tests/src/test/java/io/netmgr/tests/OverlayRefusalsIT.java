package io.netmgr.tests;

import static io.netmgr.netlink.testing.Eventually.waitUntil;
import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.inspect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.cni.Json;
import io.netmgr.client.UnixHttpClient;
import io.netmgr.core.store.KeyValue;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import io.netmgr.store.etcd.EtcdStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input for overlay networks on one host while two others watch, through every front (the
 * CLI, netmgr's REST API, Docker's API, the CNI plugin), and a netmgrd killed in the middle of an
 * overlay create and in the middle of a service create on it, and a host joining an overlay whose
 * subnet it routes on a LAN of its own: each refusal names the field and value in one line without Java in it, and
 * after each, and after the killed host's restart, nothing changed in etcd nor in any host's
 * links, addresses, routes, FDB, permanent neighbours or nftables ruleset.
 */
class OverlayRefusalsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAN = "orlan2";
    private static final String OVERLAP = "invalid pool request: Pool overlaps with other one on this address space";

    // host 3 restarts within its lease's TTL, so the others never see it leave
    @RegisterExtension
    static final ClusterHosts CLUSTER = new ClusterHosts(3, Map.of(3, List.of("--cluster-lease-ttl", "60s")));

    @RegisterExtension
    final DaemonSandboxes sandboxes = new DaemonSandboxes();

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @TempDir
    Path tmp;

    @Test
    void badInputOnEveryFrontAndACreateCutShortChangeNothingOnAnyHost() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        ClusterHosts.Host three = CLUSTER.hosts.get(2);
        // a network the bad input runs into, with the data plane and peer entries of hosts 2 and 3 made
        ok(cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.90.0.0/24", "-o", "vxlan.id=7100", "guarded"));
        for (ClusterHosts.Host h : List.of(two, three)) {
            ok(cli(h.daemon, "sandbox", "create", "watch" + h.number));
            sandboxes.add(inspect(h.daemon, "sandbox", "watch" + h.number).path("namespacePath").asText());
            ok(cli(h.daemon, "network", "connect", "guarded", "watch" + h.number));
        }
        try (EtcdStore etcd = CLUSTER.etcd.store("")) {
            waitUntil("each host's peer entries for the other", Duration.ofSeconds(30), () -> permanentNeighbours(two) >= 1
                    && permanentNeighbours(three) >= 1);
            String before = everything(etcd);

            // the CLI on host 1
            refusedByCli(one, "the advertise address of cluster host", "--subnet", "198.51.100.0/24");
            refusedByCli(one, "overlaps 127.0.0.0/8 (loopback)", "--subnet", "127.0.0.0/16");
            refusedByCli(one, "vxlan.id 7100 is already used by network guarded", "-o", "vxlan.id=7100");
            refusedByCli(one, "option vxlan.id=16777216 is not valid", "-o", "vxlan.id=16777216");
            refusedByCli(one, "options vxlan.id=7101 and com.docker.network.driver.overlay.vxlanid_list=7102 name the same setting",
                    "-o", "vxlan.id=7101", "-o", "com.docker.network.driver.overlay.vxlanid_list=7102");
            refusedByCli(one, "pool 10.90.0.128/25 overlaps with network guarded's pool 10.90.0.0/24", "--subnet", "10.90.0.128/25");
            refusedByCli(one, "does not take option parent (an option of a local driver)", "-o", "parent=eth0");
            refusedByCli(one, "option encrypted asks for an encrypted overlay, which needs IPsec (ESP)", "-o", "encrypted");
            assertThat(everything(etcd)).as("after the CLI's refusals").isEqualTo(before);

            // netmgr's REST API on host 2
            refusedByHttp(two, "/v1/networks", "{\"name\":\"bad\",\"driver\":\"overlay\",\"options\":{\"vxlan.id\":null}}", 400,
                    "field \"options.vxlan.id\" of request body: expected a string, got null");
            refusedByHttp(two, "/v1/networks", "{\"name\":\"bad\",\"driver\":\"overlay\",\"subnets\":[null]}", 400,
                    "field \"subnets[0]\" of request body: expected an object, got null");
            refusedByHttp(two, "/v1/networks", "{\"name\":\"bad\",\"driver\":\"overlay\",\"subnets\":[{\"subnet\":\"198.51.0.0/16\"}]}",
                    409, "the advertise address of cluster host");
            refusedByHttp(two, "/v1/networks", "{\"name\":\"bad\",\"driver\":\"overlay\",\"options\":{\"vxlan.port\":\"0\"}}", 400,
                    "option vxlan.port=0 is not valid");
            assertThat(everything(etcd)).as("after the REST API's refusals").isEqualTo(before);

            // Docker's API on host 3, as `docker network create` sends it
            refusedByHttp(three, "/v1.47/networks/create", "{\"Name\":\"bad\",\"Driver\":\"overlay\",\"Scope\":\"local\"}", 403,
                    "cannot downgrade network scope for overlay networks");
            refusedByHttp(three, "/v1.47/networks/create",
                    "{\"Name\":\"bad\",\"Driver\":\"overlay\",\"IPAM\":{\"Config\":[{\"Subnet\":\"10.90.0.0/16\"}]}}", 403,
                    OVERLAP + " (pool 10.90.0.0/16 overlaps with network guarded's pool 10.90.0.0/24");
            refusedByHttp(three, "/v1.47/networks/create", "{\"Name\":\"bad\",\"Driver\":\"overlay\",\"Options\":{\"encrypted\":\"\"}}",
                    400, "option encrypted asks for an encrypted overlay, which needs IPsec (ESP)");
            refusedByHttp(three, "/v1.47/networks/create", "{\"Name\":\"bad\",\"Driver\":\"overlay\",\"Labels\":{\"a\":null}}", 400,
                    "field \"Labels.a\" of request body: expected a string, got null");
            assertThat(everything(etcd)).as("after the Docker API's refusals").isEqualTo(before);

            // the CNI plugin on host 1, through its netmgrd
            refusedByCni(one, Map.of("encrypted", true), "option encrypted asks for an encrypted overlay");
            refusedByCni(one, Map.of("vni", 7100), "vxlan.id 7100 is already used by network guarded");
            refusedByCni(one, Map.of("subnet", "198.51.100.0/25"), "the advertise address of cluster host");
            refusedByCni(one, Map.of("vni", 16777216), "option vxlan.id=16777216 is not valid");
            assertThat(everything(etcd)).as("after the CNI plugin's refusals").isEqualTo(before);

            // host 3's netmgrd killed after its pool was granted and its rules made, before the network was stored
            three.daemon.kill(); // (a stop would remove its sandboxes)
            three.start(Map.of("NETMGR_OPTS", "-Dnetmgr.crashAt=create.before-commit"));
            var cut = cli(three.daemon, "network", "create", "-d", "overlay", "--subnet", "10.91.0.0/24", "cut");
            assertThat(cut.exit()).as(cut.err()).isNotZero();
            waitUntil("host 3's netmgrd dead", Duration.ofSeconds(30), () -> !three.daemon.alive());
            three.start(); // its start gives the pool back and puts its rules in line with the store
            assertThat(everything(etcd)).as("after host 3's create was cut short and it started again").isEqualTo(before);
            // before: the pool stayed granted, and every host was refused the subnet for good
            ok(cli(two.daemon, "network", "create", "-d", "overlay", "--subnet", "10.91.0.0/24", "cut"));
            ok(cli(one.daemon, "network", "rm", "cut"));

            // and again while creating a service on the overlay, after its VIP was granted
            three.daemon.kill();
            three.start(Map.of("NETMGR_OPTS", "-Dnetmgr.crashAt=service-create.before-commit"));
            var cutService = cli(three.daemon, "service", "create", "cutsvc", "--network", "guarded");
            assertThat(cutService.exit()).as(cutService.err()).isNotZero();
            waitUntil("host 3's netmgrd dead", Duration.ofSeconds(30), () -> !three.daemon.alive());
            three.start();
            assertThat(everything(etcd)).as("after host 3's service create was cut short and it started again").isEqualTo(before);

            // host 2 routes 10.95.0.0/24 on a LAN of its own, which host 1 does not: host 1 creates an overlay on it
            // (a veth pair inside host 2's namespace: the kernels here have no dummy links)
            IpOracle.exec(two.ns, "ip", "link", "add", LAN, "type", "veth", "peer", "name", LAN + "p");
            IpOracle.exec(two.ns, "ip", "addr", "add", "10.95.0.1/24", "dev", LAN);
            IpOracle.exec(two.ns, "ip", "link", "set", LAN + "p", "up");
            IpOracle.exec(two.ns, "ip", "link", "set", LAN, "up");
            ok(cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.95.0.0/24", "lanclash"));
            String created = everything(etcd);
            // host 2's first endpoint there is refused on every front, before anything is made on host 2
            String says = "network lanclash: its subnet 10.95.0.0/24 overlaps 10.95.0.0/24, which this host routes through " + LAN;
            var connect = cli(two.daemon, "network", "connect", "lanclash", "watch2");
            assertThat(connect.exit()).as(connect.err()).isEqualTo(1);
            assertClear("network connect lanclash watch2", connect.err().strip(), says);
            refusedByHttp(two, "/v1/endpoints", "{\"network\":\"lanclash\",\"name\":\"e2\",\"sandbox\":\"watch2\"}", 409, says);
            refusedByHttp(two, "/v1.47/networks/lanclash/connect", "{\"Container\":\"watch2\"}", 409, says);
            refusedByCni(two, Map.of("network", "lanclash"), says);
            assertThat(everything(etcd)).as("after host 2's joins were refused").isEqualTo(created);
            // the network stays usable on the other hosts
            ok(cli(three.daemon, "network", "connect", "lanclash", "watch3"));
            ok(cli(three.daemon, "network", "disconnect", "lanclash", "watch3"));
            ok(cli(one.daemon, "network", "rm", "lanclash"));
        }
    }

    private static void ok(Distribution.Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
    }

    private static void refusedByCli(ClusterHosts.Host host, String says, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("network", "create", "-d", "overlay"));
        args.addAll(List.of(options));
        args.add("bad");
        Distribution.Result r = cli(host.daemon, args.toArray(String[]::new));
        assertThat(r.exit()).as("%s: %s", args, r.err()).isEqualTo(1);
        assertClear(String.join(" ", args), r.err().strip(), says);
    }

    private static void refusedByHttp(ClusterHosts.Host host, String path, String body, int status, String says) throws Exception {
        UnixHttpClient.Response r = new UnixHttpClient(host.daemon.socket).send("POST", path,
                List.of("Content-Type: application/json"), body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as("%s %s: %s", path, body, r.text()).isEqualTo(status);
        assertClear(path + " " + body, JSON.readTree(r.text()).path("message").asText(), says);
    }

    private void refusedByCni(ClusterHosts.Host host, Map<String, Object> fields, String says) throws Exception {
        Path plugins = tmp.resolve("cni-bin");
        if (!Files.exists(plugins)) {
            Files.createDirectories(plugins);
            Files.createSymbolicLink(plugins.resolve("netmgr"), Distribution.HOME.resolve("bin/netmgr-cni"));
        }
        NetNs container = netns.create("orc" + Math.abs(fields.hashCode() % 1000));
        Map<String, Object> conf = new LinkedHashMap<>(Map.of("cniVersion", "1.1.0", "name", "pods", "type", "netmgr",
                "driver", "overlay", "network", "bad", "daemonSocket", host.daemon.socket.toString()));
        conf.putAll(fields);
        CniRuntime.Outcome r = new CniRuntime(plugins, Map.of("NETMGR_STATE_DIR", host.daemon.stateDir.toString()))
                .exec("netmgr", "ADD", "ctr-bad", container.path().toString(), "eth0", Json.write(conf), Map.of());
        assertThat(r.exit()).as("%s: %s", fields, r.out()).isNotZero();
        assertClear(fields.toString(), JSON.readTree(r.out()).path("msg").asText(), says);
        assertThat(IpOracle.ip(container, "link", "show").size()).as("the container's links").isEqualTo(1); // lo only
    }

    private static void assertClear(String input, String message, String says) {
        assertThat(message).as(input).contains(says).doesNotContain("\n");
        for (String leak : BadInputCorpusIT.LEAKS) {
            assertThat(message).as(input + " names no Java internals").doesNotContain(leak);
        }
    }

    /** What must not change: etcd's keys and values but the hosts' own records, and each host's kernel state. */
    private static String everything(EtcdStore etcd) {
        Map<String, String> all = new TreeMap<>();
        for (KeyValue kv : etcd.range("/netmgr/")) {
            // not state: a restarted host's record (its start time); the IPAM's pool-set guard and next-address
            // pointers, rewritten by each grant
            if (!kv.key().startsWith("/netmgr/hosts/") && !kv.key().startsWith("/netmgr/members/")
                    && !kv.key().equals("/netmgr/ipam/pool-set") && !kv.key().startsWith("/netmgr/ipam/last/")) {
                all.put(kv.key(), kv.valueAsString());
            }
        }
        for (ClusterHosts.Host h : CLUSTER.hosts) {
            String at = "host " + h.number + " ";
            all.put(at + "links", BadInputCorpusIT.withoutCarrier(IpOracle.ip(h.ns, "link", "show")).toString());
            all.put(at + "addresses", BadInputCorpusIT.withoutCarrier(BadInputCorpusIT.withoutLinkLocal(
                    IpOracle.ip(h.ns, "addr", "show"))).toString());
            all.put(at + "routes", IpOracle.ip(h.ns, "route", "show").toString());
            all.put(at + "neighbours", IpOracle.ip(h.ns, "neigh", "show", "nud", "permanent").toString());
            all.put(at + "fdb", staticFdb(h));
            // as a set of lines: a restart writes the same chains in another order
            all.put(at + "ruleset", new TreeSet<>(IpOracle.exec(h.ns, "nft", "list", "ruleset").lines().toList()).toString());
        }
        StringBuilder b = new StringBuilder();
        all.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        return b.toString();
    }

    /** The FDB entries netmgr programs (a VXLAN peer's, a bridge port's own), not the kernel's multicast ones. */
    private static String staticFdb(ClusterHosts.Host h) {
        TreeSet<String> entries = new TreeSet<>();
        for (JsonNode e : IpOracle.bridge(h.ns, "fdb", "show")) {
            String mac = e.path("mac").asText();
            if (!mac.startsWith("33:33:") && !mac.startsWith("01:00:5e:") && (e.has("dst") || e.path("state").asText().equals("permanent"))) {
                entries.add(e.toString());
            }
        }
        return entries.toString();
    }

    private static int permanentNeighbours(ClusterHosts.Host h) {
        return IpOracle.ip(h.ns, "neigh", "show", "nud", "permanent").size();
    }
}
