package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/netmgr-cni exec'd as a runtime does, linked into a plugin directory as "netmgr", once
 * in-process (no daemon) and once through a running netmgrd: the same checks on both paths. A
 * fresh namespace plays the host, joined to an "outside" namespace by a veth, so nothing touches
 * this machine's own links or rules; the store lives in a temp dir (see {@link CniTestHost}).
 */
class CniPluginIT extends CniOnBothPaths {
    private static final String HOST_IP = CniTestHost.HOST_IP;

    private NetNs host;
    private NetNs outside;
    private String network;
    private String bridge;

    @BeforeEach
    void names() {
        host = t.host;
        outside = t.outside;
        network = t.network;
        bridge = t.bridge;
    }

    private Map<String, Object> conf(String version) {
        return t.conf(version);
    }

    private CniRuntime.Outcome add(String id, NetNs ns, Map<String, Object> conf) {
        return t.add(id, ns, conf);
    }

    private CniRuntime.Outcome run(String command, String id, NetNs ns, Map<String, Object> conf) {
        return t.run(command, id, ns, conf);
    }

    private CniRuntime.Outcome exec(String type, String command, String id, String netns, String ifName, Map<String, Object> conf) {
        return t.exec(type, command, id, netns, ifName, conf, Map.of());
    }

    @SuppressWarnings("unchecked")
    static String ipOf(Map<String, Object> result) {
        Map<String, Object> ip = (Map<String, Object>) ((List<Object>) result.get("ips")).get(0);
        String cidr = (String) ip.get("address");
        return cidr.substring(0, cidr.indexOf('/'));
    }

    private static Map<String, Object> with(Map<String, Object> conf, String key, Object value) {
        return CniTestHost.with(conf, key, value);
    }

    @Test
    void addGivesWorkingNetworkingAndPublishedPortsCheckFindsDriftDelIsIdempotent() throws Exception {
        NetNs c1 = netns.create("c1");
        NetNs c2 = netns.create("c2");
        Map<String, Object> withPort = with(conf("1.1.0"), "runtimeConfig",
                Map.of("portMappings", List.of(Map.of("hostPort", 18080, "containerPort", 80, "protocol", "tcp"))));
        Map<String, Object> r1 = add("ctr-1", c1, withPort).assertOk().json();
        Map<String, Object> r2 = add("ctr-2", c2, conf("1.1.0")).assertOk().json();
        String ip1 = ipOf(r1);
        String ip2 = ipOf(r2);
        assertThat(ip1).isNotEqualTo(ip2);
        assertThat(Json(r1)).contains("\"name\":\"" + bridge + "\"").contains("\"sandbox\":\"" + c1.path() + "\"")
                .contains("\"interface\":2").doesNotContain("\"version\"");

        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
            assertThat(Traffic.exchange(c2, InetAddress.getByName(ip1), 80, "c2->c1", 3000)).isEqualTo("c2->c1");
            assertThat(Traffic.exchange(host, InetAddress.getByName(ip1), 80, "host->c1", 3000)).isEqualTo("host->c1");
            assertThat(Traffic.exchange(outside, InetAddress.getByName(HOST_IP), 18080, "outside", 3000)).isEqualTo("outside");
            assertThat(Traffic.exchange(host, InetAddress.getByName("127.0.0.1"), 18080, "localhost", 3000)).isEqualTo("localhost");
            assertThat(Traffic.exchange(c2, InetAddress.getByName(HOST_IP), 18080, "neighbour", 3000)).isEqualTo("neighbour");
            assertThat(Traffic.exchange(c1, InetAddress.getByName(HOST_IP), 18080, "hairpin", 3000)).isEqualTo("hairpin");
        }

        Map<String, Object> check = with(withPort, "prevResult", r1);
        run("CHECK", "ctr-1", c1, check).assertOk();
        IpOracle.ipDo(c1, "addr", "del", ip1 + "/24", "dev", "eth0");
        CniRuntime.Outcome drift = run("CHECK", "ctr-1", c1, check);
        assertThat(drift.exit()).isNotZero();
        assertThat(drift.json()).containsEntry("code", 101L);
        assertThat((String) drift.json().get("msg")).contains("lacks address " + ip1 + "/24");

        run("DEL", "ctr-1", c1, with(withPort, "prevResult", r1)).assertOk();
        run("DEL", "ctr-1", c1, withPort).assertOk();
        assertThat(IpOracle.ip(c1, "link", "show").toString()).doesNotContain("eth0");
        assertThat(IpOracle.exec(host, "nft", "list", "ruleset")).doesNotContain("18080");
        // the address went back to the pool: another container may ask for it (the ips capability)
        NetNs c3 = netns.create("c3");
        Map<String, Object> sameIp = with(conf("1.1.0"), "runtimeConfig", Map.of("ips", List.of(ip1 + "/24")));
        assertThat(ipOf(add("ctr-3", c3, sameIp).assertOk().json())).isEqualTo(ip1);
        for (String id : List.of("ctr-2", "ctr-3")) {
            run("DEL", id, null, conf("1.1.0")).assertOk();
        }
    }

    private static String Json(Map<String, Object> m) {
        return io.netmgr.cni.Json.write(m);
    }

    @Test
    void resultsFollowTheConfigurationsVersion() {
        NetNs c1 = netns.create("v");
        Map<String, Object> old = add("ctr-v", c1, conf("0.3.1")).assertOk().json();
        assertThat(old).containsEntry("cniVersion", "0.3.1");
        assertThat(Json(old)).contains("\"version\":\"4\"");
        run("DEL", "ctr-v", c1, conf("0.3.1")).assertOk();
    }

    @Test
    void delSucceedsWhenTheNamespaceIsGone() {
        // made here, not by the extension: the test removes it itself, as a runtime would before DEL
        String nsName = "nmt-gone-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        NetNs c1 = NetNs.create(nsName);
        String path = c1.path().toString();
        try {
            add("ctr-g", c1, conf("1.0.0")).assertOk();
        } finally {
            c1.close();
            NetNs.delete(nsName);
        }
        exec("netmgr", "DEL", "ctr-g", path, "eth0", conf("1.0.0")).assertOk();
        exec("netmgr", "DEL", "ctr-g", path, "eth0", conf("1.0.0")).assertOk();
        assertThat(IpOracle.ip(host, "link", "show", "master", bridge)).isEmpty();
    }

    @Test
    void gcRemovesWhatTheListDoesNotName() {
        NetNs a = netns.create("gca");
        NetNs b = netns.create("gcb");
        add("keep", a, conf("1.1.0")).assertOk();
        add("drop", b, conf("1.1.0")).assertOk();
        assertThat(IpOracle.ip(host, "link", "show", "master", bridge)).hasSize(2);
        Map<String, Object> gc = with(conf("1.1.0"), "cni.dev/valid-attachments",
                List.of(Map.of("containerID", "keep", "ifname", "eth0")));
        exec("netmgr", "GC", null, null, null, gc).assertOk();
        assertThat(IpOracle.ip(host, "link", "show", "master", bridge)).hasSize(1);
        assertThat(IpOracle.ip(b, "link", "show").toString()).doesNotContain("eth0");
        assertThat(IpOracle.ip(a, "link", "show").toString()).contains("eth0");
        exec("netmgr", "GC", null, null, null, with(conf("1.1.0"), "cni.dev/valid-attachments", List.of())).assertOk();
        assertThat(IpOracle.ip(host, "link", "show", "master", bridge)).isEmpty();
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES) // 100 JVMs on 2 cores
    void fiftyParallelAddsGetDistinctAddresses() throws Exception {
        int n = 50;
        List<NetNs> containers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            containers.add(netns.create("p" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<CniRuntime.Outcome>> adds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                adds.add(pool.submit(() -> add("par-" + k, containers.get(k), conf("1.0.0"))));
            }
            Set<String> ips = new HashSet<>();
            for (Future<CniRuntime.Outcome> f : adds) {
                ips.add(ipOf(f.get().assertOk().json()));
            }
            assertThat(ips).hasSize(n);
            List<Future<CniRuntime.Outcome>> dels = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                dels.add(pool.submit(() -> run("DEL", "par-" + k, containers.get(k), conf("1.0.0"))));
            }
            for (Future<CniRuntime.Outcome> f : dels) {
                f.get().assertOk();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(IpOracle.ip(host, "link", "show", "master", bridge)).isEmpty();
    }

    /**
     * CNI_IFNAME taken in the container by an interface not netmgr's: refused in the runtime's
     * terms (code 4, naming the variable and the namespace), that interface untouched, and nothing
     * kept: the container added again on a free name gets the range's first address.
     */
    @Test
    void anInterfaceNameTakenInTheContainerIsRefusedNamingItAndKeepsNothing() throws Exception {
        NetNs c1 = netns.create("clash");
        IpOracle.ipDo(c1, "link", "add", "eth0", "type", "veth", "peer", "name", "clash-peer");
        CniRuntime.Outcome refused = add("ctr-clash", c1, conf("1.1.0"));
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.json()).containsEntry("code", 4L);
        assertThat((String) refused.json().get("msg")).isEqualTo("CNI_IFNAME eth0: the container's namespace " + c1.path()
                + " already has an interface of that name");
        assertThat(IpOracle.ip(c1, "-d", "link", "show", "eth0").get(0).path("linkinfo").path("info_kind").asText()).isEqualTo("veth");
        assertThat(IpOracle.ip(host, "link", "show").toString()).doesNotContain(bridge);

        Map<String, Object> added = exec("netmgr", "ADD", "ctr-clash", c1.path().toString(), "eth1", conf("1.1.0")).assertOk().json();
        String subnet = t.subnet;
        assertThat(ipOf(added)).isEqualTo(subnet.substring(0, subnet.lastIndexOf('.')) + ".2");
        exec("netmgr", "DEL", "ctr-clash", c1.path().toString(), "eth1", conf("1.1.0")).assertOk();
    }

    @Test
    void badConfigurationChangesNothing() throws Exception {
        NetNs c1 = netns.create("bad");
        List<Map<String, Object>> bad = List.of(
                with(conf("1.0.0"), "cniVersion", "7.0.0"),
                with(conf("1.0.0"), "ipam", Map.of("ranges", List.of(List.of(Map.of("subnet", "10.0.0.0/33"))))),
                with(conf("1.0.0"), "name", ""));
        for (Map<String, Object> c : bad) {
            CniRuntime.Outcome o = add("ctr-bad", c1, c);
            assertThat(o.exit()).isNotZero();
            assertThat(o.json()).containsKeys("cniVersion", "code", "msg");
        }
        assertThat(t.nothingStored()).isTrue();
        assertThat(IpOracle.ip(host, "link", "show").toString()).doesNotContain(bridge);
        assertThat(IpOracle.ip(c1, "link", "show").toString()).doesNotContain("eth0");
    }

    @Test
    void statusAndVersion() throws Exception {
        exec("netmgr", "STATUS", null, null, null, conf("1.1.0")).assertOk();
        Path notADir = Files.writeString(tmp.resolve("file"), "x");
        CniRuntime.Outcome down = exec("netmgr", "STATUS", null, null, null,
                with(conf("1.1.0"), "stateDir", notADir.resolve("state").toString()));
        assertThat(down.exit()).isNotZero();
        assertThat(down.json()).containsEntry("code", 50L);
        assertThat(exec("netmgr", "VERSION", null, null, null, Map.of("cniVersion", "1.1.0")).assertOk().out())
                .contains("\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]");
    }

    @Test
    void chainsBeforeTheReferenceTuningPlugin() {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/lib/cni/tuning")), "needs containernetworking-plugins");
        NetNs c1 = netns.create("chain");
        // the Debian 12 reference plugins speak up to 1.0.0
        Map<String, Object> ours = add("ctr-chain", c1, conf("1.0.0")).assertOk().json();
        Map<String, Object> tuning = new LinkedHashMap<>(Map.of("cniVersion", "1.0.0", "name", network, "type", "tuning",
                "sysctl", Map.of("net.ipv4.conf.eth0.rp_filter", "2"), "prevResult", ours));
        Map<String, Object> chained = exec("tuning", "ADD", "ctr-chain", c1.path().toString(), "eth0", tuning)
                .assertOk().json();
        assertThat(ipOf(chained)).isEqualTo(ipOf(ours));
        assertThat(IpOracle.exec(c1, "sysctl", "-n", "net.ipv4.conf.eth0.rp_filter").strip()).isEqualTo("2");
        run("CHECK", "ctr-chain", c1, with(conf("1.0.0"), "prevResult", chained)).assertOk();
        exec("tuning", "DEL", "ctr-chain", c1.path().toString(), "eth0", with(tuning, "prevResult", chained)).assertOk();
        run("DEL", "ctr-chain", c1, with(conf("1.0.0"), "prevResult", chained)).assertOk();
    }
}
