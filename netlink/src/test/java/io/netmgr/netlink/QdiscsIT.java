package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.tc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.qdisc.Qdisc;
import io.netmgr.netlink.qdisc.Tbf;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tbf qdiscs against the kernel, checked with {@code tc -j qdisc show}. */
class QdiscsIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    /** tc reports the burst from the kernel's time in whole microseconds: exact to a microsecond's bytes. */
    private static void assertTcShows(NetNs ns, String dev, Tbf tbf) {
        JsonNode q = rootOf(ns, dev);
        assertThat(q.get("kind").asText()).isEqualTo("tbf");
        assertThat(q.get("options").get("rate").asLong()).isEqualTo(tbf.rateBytesPerSecond());
        assertThat(q.get("options").get("burst").asLong())
                .isBetween(tbf.burstBytes() - tbf.rateBytesPerSecond() / 1_000_000 - 1, tbf.burstBytes());
        // latency = limit / rate - burst time, which tc prints in microseconds
        long latencyMicros = (tbf.limitBytes() - tbf.burstBytes()) * 1_000_000 / tbf.rateBytesPerSecond();
        assertThat(q.get("options").get("lat").asLong()).isBetween(latencyMicros - 2, latencyMicros + 2);
    }

    private static JsonNode rootOf(NetNs ns, String dev) {
        for (JsonNode q : tc(ns, "qdisc", "show", "dev", dev)) {
            if (q.path("root").asBoolean()) {
                return q;
            }
        }
        throw new AssertionError("no root qdisc on " + dev + ": " + tc(ns, "qdisc", "show", "dev", dev));
    }

    @Test
    void putsChangesListsAndDeletesATbf() {
        NetNs ns = netns.create("tbf");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("q0", "q0p"));
            h.links().setUp("q0");
            int q0 = h.links().get("q0").index();
            Tbf slow = Tbf.withLatency(1_000_000, 32_768, Duration.ofMillis(25));
            assertThat(slow.limitBytes()).isEqualTo(25_000 + 32_768);

            h.qdiscs().replaceRoot(q0, slow);
            assertTcShows(ns, "q0", slow);
            Qdisc listed = h.qdiscs().root(q0).orElseThrow();
            assertThat(listed.kind()).isEqualTo("tbf");
            assertThat(listed.isRoot()).isTrue();
            assertThat(listed.handle()).isNotZero();
            assertThat(listed.discipline()).isInstanceOfSatisfying(Tbf.class, t -> {
                assertThat(t.sameAs(slow)).as("%s read back as %s", slow, t).isTrue();
                assertThat(t.burstBytes()).isBetween(32_767L, 32_769L);
            });

            // replace again: changed in place, one root qdisc
            Tbf other = Tbf.withLatency(250_000, 10_000, Duration.ofMillis(25));
            h.qdiscs().replaceRoot(q0, other);
            assertTcShows(ns, "q0", other);
            assertThat(h.qdiscs().list(q0)).filteredOn(Qdisc::isRoot).singleElement()
                    .satisfies(q -> assertThat(((Tbf) q.discipline()).sameAs(other)).isTrue());
            assertThat(((Tbf) h.qdiscs().root(q0).orElseThrow().discipline()).sameAs(slow)).isFalse();

            h.qdiscs().deleteRoot(q0);
            assertThat(rootOf(ns, "q0").get("kind").asText()).isEqualTo("noqueue");
            assertThat(h.qdiscs().root(q0)).hasValueSatisfying(q -> assertThat(q.kind()).isEqualTo("noqueue"));
            assertThatThrownBy(() -> h.qdiscs().deleteRoot(q0)).isInstanceOf(NetlinkException.class)
                    .hasMessageContaining("delete root qdisc of link #" + q0);
        }
    }

    @Test
    void ratesBeyond32BitsTravelAsRate64() {
        NetNs ns = netns.create("tbf64");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("q1", "q1p"));
            int q1 = h.links().get("q1").index();
            Tbf fast = Tbf.withLatency(5_000_000_000L, 33_554_432, Duration.ofMillis(25)); // 40 Gbit/s
            h.qdiscs().replaceRoot(q1, fast);
            assertTcShows(ns, "q1", fast);
            Tbf read = (Tbf) h.qdiscs().root(q1).orElseThrow().discipline();
            assertThat(read.rateBytesPerSecond()).isEqualTo(5_000_000_000L);
            assertThat(read.sameAs(fast)).as("%s read back as %s", fast, read).isTrue();
        }
    }

    @Test
    void aTbfMadeByTcReadsBack() {
        NetNs ns = netns.create("tbftc");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("q2", "q2p"));
            IpOracle.exec(ns, "tc", "qdisc", "add", "dev", "q2", "root", "tbf", "rate", "8mbit", "burst", "16kb", "limit", "40000");
            Tbf read = (Tbf) h.qdiscs().root(h.links().get("q2").index()).orElseThrow().discipline();
            assertThat(read.rateBytesPerSecond()).isEqualTo(1_000_000);
            assertThat(read.limitBytes()).isEqualTo(40_000);
            assertThat(read.burstBytes()).isBetween(16_383L, 16_385L);
        }
    }

    @Test
    void nonsenseIsRefusedBeforeTheKernelSeesIt() {
        NetNs ns = netns.create("tbfbad");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("q3", "q3p"));
            int q3 = h.links().get("q3").index();
            assertThatThrownBy(() -> h.qdiscs().replaceRoot(q3, new Tbf(0, 1500, 3000)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate must be at least 1 byte");
            assertThatThrownBy(() -> h.qdiscs().replaceRoot(q3, new Tbf(1000, 1L << 32, 1L << 33)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst must be 1 to 4294967295 bytes");
            assertThatThrownBy(() -> h.qdiscs().replaceRoot(q3, new Tbf(10, 100_000, 200_000)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tbf holds at most 274 s");
            assertThat(tc(ns, "qdisc", "show", "dev", "q3").toString()).doesNotContain("tbf");
        }
    }
}
