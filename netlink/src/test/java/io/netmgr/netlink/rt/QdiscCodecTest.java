package io.netmgr.netlink.rt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.fixtures.HexFixture;
import io.netmgr.netlink.qdisc.OtherDiscipline;
import io.netmgr.netlink.qdisc.Qdisc;
import io.netmgr.netlink.qdisc.Tbf;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Qdisc messages against kernel RTM_NEWQDISC fixtures and hand-written hex. */
class QdiscCodecTest {
    private static Qdisc decode(String fixture) {
        return QdiscCodec.decode(HexFixture.message("kernel/" + fixture + ".hex"));
    }

    @Nested
    class DecodingKernelMessages {
        @Test
        void tbfOfTcWithLatency() {
            Qdisc q = decode("qdisc-tbf");
            assertThat(q.linkIndex()).isEqualTo(8);
            assertThat(q.isRoot()).isTrue();
            assertThat(q.handle()).isEqualTo(0x800b0000);
            // tc's "burst 32kb latency 25ms" at 8 Mbit/s: limit = 25 ms of the rate + the burst
            assertThat(q.discipline()).isEqualTo(new Tbf(1_000_000, 32_768, 57_768));
        }

        @Test
        void tbfWithItsRateInRate64() {
            Tbf t = (Tbf) decode("qdisc-tbf-rate64").discipline();
            assertThat(t.rateBytesPerSecond()).isEqualTo(5_000_000_000L);
            assertThat(t.limitBytes()).isEqualTo(100L << 20);
            // tc computed the buffer in whole microseconds (6710 us of 6710.89): 32 MiB reads back a little less
            assertThat(t.burstBytes()).isEqualTo(33_554_240L);
            // two 64 ns ticks at 5 GB/s are 640 bytes: closer is the same burst, further another
            assertThat(t.sameAs(new Tbf(5_000_000_000L, 33_554_432L, 100L << 20))).isTrue();
            assertThat(t.sameAs(new Tbf(5_000_000_000L, 33_554_240L + 642, 100L << 20))).isFalse();
            assertThat(t.sameAs(new Tbf(5_000_000_001L, 33_554_240L, 100L << 20))).isFalse();
        }

        @Test
        void otherMessagesAreNotQdiscs() {
            assertThat(QdiscCodec.decode(HexFixture.message("kernel/route-v4-default.hex"))).isNull();
        }
    }

    @Nested
    class EncodingByTheHeaders {
        @Test
        void replaceRootWithTbf() {
            Tbf tbf = Tbf.withLatency(1_000_000, 32_768, Duration.ofMillis(25));
            assertThat(QdiscCodec.replaceRoot(4, tbf).toBytes(8)).isEqualTo(HexFixture.read("expected/qdisc-replace-tbf.hex"));
        }

        @Test
        void aRateBeyond32BitsGoesInRate64() {
            Tbf tbf = Tbf.withLatency(5_000_000_000L, 33_554_432, Duration.ofMillis(25));
            assertThat(QdiscCodec.replaceRoot(4, tbf).toBytes(9))
                    .isEqualTo(HexFixture.read("expected/qdisc-replace-tbf-rate64.hex"));
        }

        @Test
        void deleteRoot() {
            assertThat(QdiscCodec.deleteRoot(4).toBytes(10)).isEqualTo(HexFixture.read("expected/qdisc-del-root.hex"));
        }

        @Test
        void limitsTheStructCannotHoldAreRefused() {
            assertThatThrownBy(() -> QdiscCodec.replaceRoot(4, new Tbf(1_000_000, 1500, 1L << 32)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the limit must be 1 to 4294967295 bytes");
            assertThatThrownBy(() -> QdiscCodec.replaceRoot(0, new Tbf(1_000_000, 1500, 3000)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a link index");
        }
    }

    @Test
    void theLimitOfALatencyIsExactAndSaturates() {
        assertThat(Tbf.withLatency(1_000_000, 32_768, Duration.ofMillis(25)).limitBytes()).isEqualTo(57_768);
        assertThat(Tbf.withLatency(Long.MAX_VALUE, 1, Duration.ofSeconds(2)).limitBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(new OtherDiscipline("noqueue").kind()).isEqualTo("noqueue");
    }
}
