package io.netmgr.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.fixtures.HexFixture;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The netlink wire format as linux/netlink.h lays it out: lengths, 4-byte alignment, byte order. */
class MessageWriterTest {
    private static final int TYPE = 16, FLAGS = Nl.F_CREATE | Nl.F_EXCL;

    /** The bytes after the 16-byte header, as hex. */
    private static String body(MessageWriter w) {
        byte[] b = w.toBytes(1);
        return HexFormat.of().formatHex(Arrays.copyOfRange(b, Nl.HEADER_LEN, b.length));
    }

    private static String hex(String spaced) {
        return spaced.replace(" ", "");
    }

    @Test
    void headerInHostOrder() {
        byte[] b = new MessageWriter(18, Nl.F_DUMP).toBytes(7);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo(hex("10000000 1200 0003 07000000 00000000"));
    }

    @Test
    void finishStampsLengthSequenceAndPort() {
        MessageWriter w = new MessageWriter(TYPE, FLAGS).u32(0).attrU32(4, 1500);
        w.addFlags(Nl.F_REQUEST | Nl.F_ACK);
        ByteBuffer out = w.finish(42, 0x1234);
        assertThat(out.remaining()).isEqualTo(28);
        assertThat(out.getInt(0)).isEqualTo(28);
        assertThat(out.getShort(4)).isEqualTo((short) TYPE);
        assertThat(out.getShort(6)).isEqualTo((short) (FLAGS | Nl.F_REQUEST | Nl.F_ACK));
        assertThat(out.getInt(8)).isEqualTo(42);
        assertThat(out.getInt(12)).isEqualTo(0x1234);
        assertThat(w.type()).isEqualTo(TYPE);
    }

    @Test
    void oddLengthAttributesArePaddedSoTheNextStartsAligned() {
        MessageWriter w = new MessageWriter(TYPE, FLAGS).attr(1, new byte[] {1, 2, 3}).attrU32(2, 5);
        // nla_len counts the 3 payload bytes, not the padding
        assertThat(body(w)).isEqualTo(hex("0700 0100 010203 00   0800 0200 05000000"));
    }

    @Test
    void stringsAreNulTerminatedThenPadded() {
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrString(3, "br0"))).isEqualTo(hex("0800 0300 62723000"));
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrString(3, "veth0")))
                .isEqualTo(hex("0a00 0300 7665746830 00 0000"));
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrString(3, ""))).isEqualTo(hex("0500 0300 00 000000"));
    }

    @Test
    void smallIntegersArePadded() {
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrU8(5, 64))).isEqualTo(hex("0500 0500 40 000000"));
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrU16(6, 0x1234))).isEqualTo(hex("0600 0600 3412 0000"));
    }

    @Test
    void integersInHostOrderPortsBigEndian() {
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrU32(1, 42))).isEqualTo(hex("0800 0100 2a000000"));
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrBe16(15, 4789))).isEqualTo(hex("0600 0f00 12b5 0000"));
    }

    @Test
    void flagAttributesHaveNoPayload() {
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrFlag(9).attrU8(1, 1))).isEqualTo(hex("0400 0900  0500 0100 01 000000"));
    }

    @Test
    void addressesInNetworkOrder() {
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrAddress(1, IpAddress.parse("10.0.0.1").toInetAddress())))
                .isEqualTo(hex("0800 0100 0a000001"));
        assertThat(body(new MessageWriter(TYPE, FLAGS).attrAddress(1, IpAddress.parse("fd00::2").toInetAddress())))
                .isEqualTo(hex("1400 0100 fd000000000000000000000000000002"));
    }

    @Test
    void nestedLengthCoversItsPaddedChildren() {
        MessageWriter w = new MessageWriter(TYPE, FLAGS);
        int info = w.beginNested(18);
        w.attrString(1, "vxlan");
        int data = w.beginNested(2);
        w.attrU8(5, 1);
        w.endNested(data);
        w.endNested(info);
        w.attrU32(4, 1);
        assertThat(body(w)).isEqualTo(hex("1c00 1280"                // IFLA_LINKINFO | NLA_F_NESTED, 28 bytes
                + "0a00 0100 76786c616e00 0000"                      //   "vxlan\0" + 2 bytes padding
                + "0c00 0280"                                        //   IFLA_INFO_DATA | NLA_F_NESTED, 12 bytes
                + "0500 0500 01 000000"                              //     u8 + padding
                + "0800 0400 01000000"));                            // after the nest
        MessageWriter empty = new MessageWriter(TYPE, FLAGS);
        empty.endNested(empty.beginNested(12));
        assertThat(body(empty)).isEqualTo(hex("0400 0c80"));
    }

    @Test
    void growsPastItsFirstBuffer() {
        byte[] big = new byte[1001];
        Arrays.fill(big, (byte) 0x5a);
        MessageWriter w = new MessageWriter(TYPE, FLAGS).u32(0);
        int nest = w.beginNested(18);
        w.attr(1, big).attrU32(2, 7);
        w.endNested(nest);
        byte[] b = w.toBytes(1);
        assertThat(b).hasSize(16 + 4 + 4 + 1008 + 8);
        Attributes inner = HexFixture.message(b, "big").attributes(4).nested(18).orElseThrow();
        assertThat(inner.bytes(1)).hasValue(big);
        assertThat(inner.u32(2, -1)).isEqualTo(7);
    }

    @Test
    void anAttributeLongerThanItsLengthFieldIsRefused() {
        new MessageWriter(TYPE, FLAGS).attr(1, new byte[65535 - 4]);
        assertThatThrownBy(() -> new MessageWriter(TYPE, FLAGS).attr(1, new byte[65535 - 3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attribute type 1")
                .hasMessageContaining("65536");
        MessageWriter w = new MessageWriter(TYPE, FLAGS);
        int nest = w.beginNested(18);
        w.attr(1, new byte[40000]).attr(2, new byte[40000]);
        assertThatThrownBy(() -> w.endNested(nest)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested attribute type 18").hasMessageContaining("80012");
    }

    @Test
    void whatIsWrittenReadsBack() {
        MessageWriter w = new MessageWriter(TYPE, FLAGS).u32(0)
                .attrU8(1, 200).attrU16(2, 65000).attrU32(3, -2).attrBe16(4, 8472).attrString(5, "vx0")
                .attrAddress(6, IpAddress.parse("fd00::2").toInetAddress()).attrFlag(7);
        Attributes a = HexFixture.message(w.toBytes(1), "all").attributes(4);
        assertThat(a.u8(1, -1)).isEqualTo(200);
        assertThat(a.u16(2, -1)).isEqualTo(65000);
        assertThat(a.u32(3)).hasValue(-2);
        assertThat(a.be16(4, -1)).isEqualTo(8472);
        assertThat(a.string(5)).hasValue("vx0");
        assertThat(a.length(5)).isEqualTo(4);
        assertThat(a.address(6)).hasValue(IpAddress.parse("fd00::2").toInetAddress());
        assertThat(a.has(7)).isTrue();
        assertThat(a.length(7)).isZero();
        assertThat(a.has(8)).isFalse();
        assertThat(a.u32(8, 99)).isEqualTo(99);
        assertThat(a.string(8)).isEmpty();
        assertThat(a.u32(1, 99)).as("too short for a u32").isEqualTo(99);
    }
}
