package io.netmgr.tests;

import static io.netmgr.tests.CniFeaturesIT.assertRefused;
import static io.netmgr.tests.CniPluginIT.ipOf;
import static io.netmgr.tests.CniTestHost.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bandwidth capability, in-process and through netmgrd: the tbfs ADD puts on the host veth
 * (traffic into the container) and on the container's interface (traffic out), seen with
 * {@code tc -j}; real TCP transfers shaped in both directions; CHECK after tampering; DEL; and
 * refusals that change nothing.
 */
class CniBandwidthIT extends CniOnBothPaths {
    private static final long INGRESS_BITS = 8_000_000, EGRESS_BITS = 12_000_000, BURST_BITS = 262_144; // 32 KiB
    private static final int TRANSFER_BYTES = 3_000_000;

    private Map<String, Object> shaped() {
        return with(t.conf("1.1.0"), "runtimeConfig", Map.of("bandwidth", Map.of("ingressRate", INGRESS_BITS,
                "ingressBurst", BURST_BITS, "egressRate", EGRESS_BITS, "egressBurst", BURST_BITS)));
    }

    /** The host end of the attachment's veth: the result's second interface, after the bridge. */
    @SuppressWarnings("unchecked")
    private static String hostVeth(Map<String, Object> result) {
        return (String) ((Map<String, Object>) ((List<Object>) result.get("interfaces")).get(1)).get("name");
    }

    /** The root qdisc of {@code dev} as {@code tc -j qdisc show} reports it. */
    private static JsonNode rootQdisc(NetNs ns, String dev) {
        for (JsonNode q : IpOracle.tc(ns, "qdisc", "show", "dev", dev)) {
            if (q.path("root").asBoolean()) {
                return q;
            }
        }
        throw new AssertionError("no root qdisc on " + dev);
    }

    private static void assertTbf(JsonNode q, long rateBits, long burstBits) {
        assertThat(q.get("kind").asText()).isEqualTo("tbf");
        assertThat(q.get("options").get("rate").asLong()).isEqualTo(rateBits / 8);
        // tc derives the burst from the kernel's time in whole microseconds: a few bytes may go
        assertThat(q.get("options").get("burst").asLong()).isBetween(burstBits / 8 - rateBits / 8 / 1_000_000 - 1, burstBits / 8);
        assertThat(q.get("options").get("lat").asLong()).as("latency, microseconds").isBetween(24_990L, 25_010L);
    }

    private static List<String> veths(NetNs ns) {
        List<String> names = new java.util.ArrayList<>();
        IpOracle.ip(ns, "link", "show", "type", "veth").forEach(l -> names.add(l.get("ifname").asText()));
        return names;
    }

    /**
     * Sends {@link #TRANSFER_BYTES} to {@code port} and returns the throughput in bits per second.
     * Each transfer takes its own port: the previous sink's connection may still hold one.
     */
    private static double throughput(NetNs from, NetNs to, String toIp, int port) throws Exception {
        try (Traffic.CountingSink sink = Traffic.sink(to, InetAddress.getByName("0.0.0.0"), port)) {
            long nanos = Traffic.timedSend(from, InetAddress.getByName(toIp), port, TRANSFER_BYTES, 30_000);
            return TRANSFER_BYTES * 8 / (nanos / 1e9);
        }
    }

    @Test
    void addShapesTrafficIntoAndOutOfTheContainerAndDelRemovesIt() throws Exception {
        NetNs c1 = netns.create("bw1");
        NetNs peer = netns.create("bwp");
        Map<String, Object> r1 = t.add("bw-1", c1, shaped()).assertOk().json();
        Map<String, Object> rp = t.add("bw-peer", peer, t.conf("1.1.0")).assertOk().json();
        String veth = hostVeth(r1);
        assertTbf(rootQdisc(t.host, veth), INGRESS_BITS, BURST_BITS);
        assertTbf(rootQdisc(c1, "eth0"), EGRESS_BITS, BURST_BITS);
        assertThat(IpOracle.tc(t.host, "qdisc", "show", "dev", hostVeth(rp)).toString()).doesNotContain("tbf");

        // loose bounds only: shaped transfers stay under twice their rate, the unshaped one goes well past it
        double into = throughput(peer, c1, ipOf(r1), 5001);
        double outOf = throughput(c1, peer, ipOf(rp), 5002);
        double unshaped = throughput(t.host, peer, ipOf(rp), 5003);
        System.out.printf("%s: into the container %.1f Mbit/s (rate %d), out of it %.1f Mbit/s (rate %d), unshaped %.1f Mbit/s%n",
                via, into / 1e6, INGRESS_BITS / 1_000_000, outOf / 1e6, EGRESS_BITS / 1_000_000, unshaped / 1e6);
        assertThat(into).as("bits/s into the container, shaped to %d", INGRESS_BITS).isLessThan(2.0 * INGRESS_BITS);
        assertThat(outOf).as("bits/s out of the container, shaped to %d", EGRESS_BITS).isLessThan(2.0 * EGRESS_BITS);
        assertThat(unshaped).as("bits/s of the same transfer to the unshaped peer").isGreaterThan(4.0 * EGRESS_BITS);

        t.run("CHECK", "bw-1", c1, with(shaped(), "prevResult", r1)).assertOk();
        t.run("DEL", "bw-1", c1, shaped()).assertOk();
        assertThat(IpOracle.ip(t.host, "link", "show").toString()).doesNotContain(veth);
        assertThat(IpOracle.tc(t.host, "qdisc", "show").toString()).doesNotContain("tbf");
        assertThat(IpOracle.ip(c1, "link", "show").toString()).doesNotContain("eth0");
        t.run("DEL", "bw-1", c1, shaped()).assertOk();
        t.run("DEL", "bw-peer", peer, t.conf("1.1.0")).assertOk();
    }

    @Test
    void checkFindsARemovedOrChangedTbf() throws Exception {
        NetNs c1 = netns.create("bwc");
        Map<String, Object> r1 = t.add("bw-c", c1, shaped()).assertOk().json();
        Map<String, Object> check = with(shaped(), "prevResult", r1);
        t.run("CHECK", "bw-c", c1, check).assertOk();
        String veth = hostVeth(r1);

        IpOracle.exec(t.host, "tc", "qdisc", "del", "dev", veth, "root");
        assertRefused(t.run("CHECK", "bw-c", c1, check), 101,
                "ingress shaping (8000000 bit/s, burst 262144 bits) is missing: the root qdisc of host interface " + veth);
        IpOracle.exec(c1, "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", "1mbit", "burst", "32kb", "latency", "25ms");
        CniRuntime.Outcome both = t.run("CHECK", "bw-c", c1, check);
        assertRefused(both, 101, "egress shaping (12000000 bit/s, burst 262144 bits) on eth0 in " + c1.path()
                + " is tbf rate 125000 B/s");
        assertThat((String) both.json().get("msg")).contains("ingress shaping");
        // a CHECK without the capability does not look for tbfs
        t.run("CHECK", "bw-c", c1, with(t.conf("1.1.0"), "prevResult", r1)).assertOk();
        t.run("DEL", "bw-c", c1, shaped()).assertOk();
    }

    @Test
    void badValuesAreRefusedAndChangeNothing() throws Exception {
        NetNs c1 = netns.create("bwbad");
        Map<String, Object> rateOnly = with(t.conf("1.1.0"), "runtimeConfig", Map.of("bandwidth", Map.of("ingressRate", 1_000_000)));
        assertRefused(t.add("bw-bad", c1, rateOnly), 7, "runtimeConfig.bandwidth.ingressBurst is missing");
        Map<String, Object> negative = with(t.conf("1.1.0"), "runtimeConfig",
                Map.of("bandwidth", Map.of("egressRate", -5, "egressBurst", 12_000)));
        assertRefused(t.add("bw-bad", c1, negative), 7, "runtimeConfig.bandwidth.egressRate -5 is negative");
        assertThat(IpOracle.ip(c1, "link", "show").toString()).doesNotContain("eth0");
        assertThat(t.nothingStored()).isTrue();

        // a burst below the interface's MTU is found when the veth exists: the ADD is undone (the network,
        // made on first use, stays, as after any ADD refused past that point)
        List<String> hostVeths = veths(t.host);
        Map<String, Object> tinyBurst = with(t.conf("1.1.0"), "runtimeConfig",
                Map.of("bandwidth", Map.of("egressRate", 8_000_000, "egressBurst", 8_000)));
        assertRefused(t.add("bw-bad", c1, tinyBurst), 7,
                "egress burst 8000 bits (1000 bytes) is less than the MTU of eth0 (1500 bytes)");
        assertThat(IpOracle.ip(c1, "link", "show").toString()).doesNotContain("eth0");
        assertThat(veths(t.host)).isEqualTo(hostVeths);
        assertThat(IpOracle.tc(t.host, "qdisc", "show").toString()).doesNotContain("tbf");
        // and the container can be added once the values are right
        t.add("bw-bad", c1, shaped()).assertOk();
        t.run("DEL", "bw-bad", c1, shaped()).assertOk();
    }
}
