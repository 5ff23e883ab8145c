package io.netmgr.tests;

import static io.netmgr.tests.CniPluginIT.ipOf;
import static io.netmgr.tests.CniTestHost.HOST_IP;
import static io.netmgr.tests.CniTestHost.OUTSIDE_IP;
import static io.netmgr.tests.CniTestHost.with;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The plugin's configuration features, each with real kernel state and traffic, in-process and
 * through netmgrd: host-local ranges (rangeStart/rangeEnd, several range sets), isGateway false,
 * CNI_ARGS and args.cni, CHECK of the firewall rules, macvlan, and a chain with the reference
 * firewall plugin (the bandwidth capability has {@link CniBandwidthIT}).
 */
class CniFeaturesIT extends CniOnBothPaths {
    private String ip(int last) {
        return "10.213." + t.octet + "." + last;
    }

    private Map<String, Object> withIpam(Map<String, Object> ipam) {
        return with(t.conf("1.1.0"), "ipam", ipam);
    }

    private static List<String> addresses(Map<String, Object> result) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ips = (List<Map<String, Object>>) result.get("ips");
        return ips.stream().map(m -> (String) m.get("address")).toList();
    }

    static void assertRefused(CniRuntime.Outcome o, long code, String message) {
        assertThat(o.exit()).isNotZero();
        assertThat(o.json()).containsEntry("code", code);
        assertThat((String) o.json().get("msg")).contains(message);
    }

    @Test
    void rangesHandOutOnlyTheirAddressesOneFromEachSet() throws Exception {
        String second = "10.215." + t.octet + ".0/24";
        Map<String, Object> conf = withIpam(Map.of("type", "host-local", "ranges", List.of(
                List.of(Map.of("subnet", t.subnet, "rangeStart", ip(100), "rangeEnd", ip(101))),
                List.of(Map.of("subnet", second, "rangeStart", "10.215." + t.octet + ".50")))));
        NetNs c1 = netns.create("r1");
        NetNs c2 = netns.create("r2");
        NetNs c3 = netns.create("r3");
        List<String> a1 = addresses(t.add("rng-1", c1, conf).assertOk().json());
        List<String> a2 = addresses(t.add("rng-2", c2, conf).assertOk().json());
        assertThat(a1).containsExactly(ip(100) + "/24", "10.215." + t.octet + ".50/24");
        assertThat(a2).containsExactly(ip(101) + "/24", "10.215." + t.octet + ".51/24");
        assertThat(IpOracle.exec(c1, "ip", "-4", "-o", "addr", "show", "dev", "eth0")).contains(ip(100) + "/24")
                .contains("10.215." + t.octet + ".50/24");
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
            assertThat(Traffic.exchange(c2, InetAddress.getByName(ip(100)), 80, "first set", 3000)).isEqualTo("first set");
            assertThat(Traffic.exchange(c2, InetAddress.getByName("10.215." + t.octet + ".50"), 80, "second set", 3000))
                    .isEqualTo("second set");
        }
        // the range is used up: refused, and c3 left as it was
        assertRefused(t.add("rng-3", c3, conf), 100, "no available addresses in " + ip(100) + "/31");
        assertRefused(t.add("rng-3", c3, with(conf, "runtimeConfig", Map.of("ips", List.of(ip(150))))), 7,
                "runtimeConfig.ips " + ip(150) + " is in no range of the configuration");
        assertThat(IpOracle.ip(c3, "link", "show").toString()).doesNotContain("eth0");
        Map<String, Object> startAfterEnd = withIpam(Map.of("ranges", List.of(List.of(
                Map.of("subnet", t.subnet, "rangeStart", ip(90), "rangeEnd", ip(80))))));
        assertRefused(t.add("rng-3", c3, with(startAfterEnd, "name", t.network + "-x")), 7,
                "ipam.ranges[0][0].rangeStart " + ip(90) + " comes after ipam.ranges[0][0].rangeEnd " + ip(80));
        for (String id : List.of("rng-1", "rng-2")) {
            t.run("DEL", id, null, conf).assertOk();
        }
    }

    @Test
    void isGatewayFalseLeavesTheBridgeWithoutAddressAndContainersWithoutDefaultRoute() throws Exception {
        Map<String, Object> conf = with(withIpam(Map.of("ranges", List.of(List.of(Map.of("subnet", t.subnet))))), "isGateway", false);
        NetNs c1 = netns.create("g1");
        NetNs c2 = netns.create("g2");
        Map<String, Object> r1 = t.add("gw-1", c1, conf).assertOk().json();
        t.add("gw-2", c2, conf).assertOk();
        assertThat(IpOracle.exec(t.host, "ip", "-o", "addr", "show", "dev", t.bridge)).doesNotContain("inet ");
        assertThat(IpOracle.exec(c1, "ip", "route", "show", "default")).isBlank();
        assertThat(r1.get("routes")).isNull();
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
            assertThat(Traffic.exchange(c2, InetAddress.getByName(ipOf(r1)), 80, "switched", 3000)).isEqualTo("switched");
        }
        // routes the ipam section gives still go in, via its gateway
        NetNs c3 = netns.create("g3");
        Map<String, Object> routed = with(conf, "ipam", Map.of("ranges", List.of(List.of(Map.of("subnet", t.subnet))),
                "routes", List.of(Map.of("dst", "0.0.0.0/0"))));
        t.add("gw-3", c3, routed).assertOk();
        assertThat(IpOracle.exec(c3, "ip", "route", "show", "default")).contains("via " + ip(1));
        // the network keeps what it was made with
        assertRefused(t.add("gw-4", netns.create("g4"), with(conf, "isGateway", true)), 7, "isGateway false");
        for (String id : List.of("gw-1", "gw-2", "gw-3")) {
            t.run("DEL", id, null, conf).assertOk();
        }
    }

    @Test
    void cniArgsAndArgsCniAskForAddressesAndMacLikeTheCapabilities() throws Exception {
        NetNs c1 = netns.create("a1");
        NetNs c2 = netns.create("a2");
        NetNs c3 = netns.create("a3");
        Map<String, Object> conf = t.conf("1.1.0");
        Map<String, Object> r1 = t.exec("netmgr", "ADD", "args-1", c1.path().toString(), "eth0", conf,
                Map.of("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=web;IP=" + ip(77) + ";MAC=02:00:00:aa:bb:01")).assertOk().json();
        assertThat(ipOf(r1)).isEqualTo(ip(77));
        assertThat(IpOracle.exec(c1, "ip", "-o", "link", "show", "eth0")).contains("02:00:00:aa:bb:01");
        Map<String, Object> args = with(conf, "args", Map.of("cni", Map.of("ips", List.of(ip(78) + "/24"))));
        assertThat(ipOf(t.add("args-2", c2, args).assertOk().json())).isEqualTo(ip(78));
        CniRuntime.Outcome unknown = t.exec("netmgr", "ADD", "args-3", c3.path().toString(), "eth0", conf,
                Map.of("CNI_ARGS", "K8S_POD_NAME=web"));
        assertRefused(unknown, 4, "CNI_ARGS: unknown key K8S_POD_NAME");
        assertThat(IpOracle.ip(c3, "link", "show").toString()).doesNotContain("eth0");
        for (String id : List.of("args-1", "args-2")) {
            t.run("DEL", id, null, conf).assertOk();
        }
    }

    @Test
    void checkReadsThePublishedPortsFromTheLiveRuleset() throws Exception {
        NetNs c1 = netns.create("f1");
        Map<String, Object> conf = with(t.conf("1.1.0"), "runtimeConfig",
                Map.of("portMappings", List.of(Map.of("hostPort", 18090, "containerPort", 80, "protocol", "tcp"))));
        Map<String, Object> result = t.add("fw-1", c1, conf).assertOk().json();
        Map<String, Object> check = with(conf, "prevResult", result);
        t.run("CHECK", "fw-1", c1, check).assertOk();
        IpOracle.exec(t.host, "nft", "flush", "ruleset");
        if (via == CniTestHost.Via.IN_PROCESS) {
            assertRefused(t.run("CHECK", "fw-1", c1, check), 101, "published port tcp 18090 -> " + ipOf(result) + ":80");
        } else {
            // netmgrd's rule guard puts the rules back within a second: then CHECK passes and the port answers
            CniRuntime.Outcome o = t.run("CHECK", "fw-1", c1, check);
            for (int i = 0; i < 30 && o.exit() != 0; i++) {
                Thread.sleep(100);
                o = t.run("CHECK", "fw-1", c1, check);
            }
            o.assertOk();
            try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
                assertThat(Traffic.exchange(t.outside, InetAddress.getByName(HOST_IP), 18090, "back", 3000)).isEqualTo("back");
            }
        }
        t.run("DEL", "fw-1", c1, conf).assertOk();
    }

    @Test
    void macvlanOnAVethOfTheHostCarriesTraffic() throws Exception {
        Map<String, Object> conf = new LinkedHashMap<>(Map.of("cniVersion", "1.0.0", "name", t.network + "-mv", "type", "netmgr",
                "driver", "macvlan", "master", "up0", "mode", "bridge",
                "ipam", Map.of("type", "host-local", "ranges", List.of(List.of(Map.of("subnet", "198.51.100.0/24",
                        "gateway", HOST_IP, "rangeStart", "198.51.100.100", "rangeEnd", "198.51.100.120"))),
                        "routes", List.of(Map.of("dst", "0.0.0.0/0")))));
        NetNs c1 = netns.create("mv1");
        NetNs c2 = netns.create("mv2");
        Map<String, Object> r1 = t.add("mv-1", c1, conf).assertOk().json();
        t.add("mv-2", c2, conf).assertOk();
        assertThat(ipOf(r1)).isEqualTo("198.51.100.100");
        assertThat(IpOracle.exec(c1, "ip", "-d", "-o", "link", "show", "eth0")).contains("macvlan mode bridge");
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
            assertThat(Traffic.exchange(c2, InetAddress.getByName("198.51.100.100"), 80, "sibling", 3000)).isEqualTo("sibling");
            assertThat(Traffic.exchange(t.outside, InetAddress.getByName("198.51.100.100"), 80, "from the wire", 3000))
                    .isEqualTo("from the wire");
        }
        try (Traffic.EchoServer server = Traffic.echoServer(t.outside, InetAddress.getByName(OUTSIDE_IP), 7000)) {
            assertThat(Traffic.exchange(c2, InetAddress.getByName(OUTSIDE_IP), 7000, "to the wire", 3000)).isEqualTo("to the wire");
        }
        t.run("DEL", "mv-1", c1, conf).assertOk();
        t.run("DEL", "mv-2", c2, conf).assertOk();
        assertThat(IpOracle.ip(c1, "link", "show").toString()).doesNotContain("eth0");
    }

    @Test
    void chainsBeforeTheReferenceFirewallPlugin() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/lib/cni/firewall")), "needs containernetworking-plugins");
        NetNs c1 = netns.create("fwc1");
        NetNs c2 = netns.create("fwc2");
        // the Debian 12 reference plugins speak up to 1.0.0
        Map<String, Object> conf = with(t.conf("1.0.0"), "runtimeConfig",
                Map.of("portMappings", List.of(Map.of("hostPort", 18091, "containerPort", 80, "protocol", "tcp"))));
        Map<String, Object> ours = t.add("chain-1", c1, conf).assertOk().json();
        t.add("chain-2", c2, t.conf("1.0.0")).assertOk();
        Map<String, Object> firewall = new LinkedHashMap<>(Map.of("cniVersion", "1.0.0", "name", t.network, "type", "firewall",
                "backend", "iptables", "prevResult", ours));
        Map<String, Object> chained = t.exec("firewall", "ADD", "chain-1", c1.path().toString(), "eth0", firewall, Map.of())
                .assertOk().json();
        String ip1 = ipOf(ours);
        assertThat(ipOf(chained)).isEqualTo(ip1);
        assertThat(IpOracle.exec(t.host, "iptables", "-S", "CNI-FORWARD")).contains(ip1);
        try (Traffic.EchoServer server = Traffic.echoServer(c1, InetAddress.getByName("0.0.0.0"), 80)) {
            assertThat(Traffic.exchange(t.outside, InetAddress.getByName(HOST_IP), 18091, "published", 3000)).isEqualTo("published");
            assertThat(Traffic.exchange(c2, InetAddress.getByName(ip1), 80, "neighbour", 3000)).isEqualTo("neighbour");
        }
        t.run("CHECK", "chain-1", c1, with(conf, "prevResult", chained)).assertOk();
        t.exec("firewall", "DEL", "chain-1", c1.path().toString(), "eth0", with(firewall, "prevResult", chained), Map.of())
                .assertOk();
        t.run("DEL", "chain-1", c1, with(conf, "prevResult", chained)).assertOk();
        t.run("DEL", "chain-2", c2, t.conf("1.0.0")).assertOk();
        assertThat(IpOracle.exec(t.host, "iptables", "-S", "CNI-FORWARD")).doesNotContain(ip1);
    }
}
