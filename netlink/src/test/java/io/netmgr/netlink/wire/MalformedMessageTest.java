package io.netmgr.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.fixtures.HexFixture;
import io.netmgr.netlink.rt.AddressCodec;
import io.netmgr.netlink.rt.LinkCodec;
import io.netmgr.netlink.rt.RouteCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real kernel messages, damaged: every decoder must fail with {@link MalformedMessageException}
 * naming where (the offset in the received buffer), never read past a message or return garbage.
 */
class MalformedMessageTest {

    private static byte[] concat(byte[]... messages) {
        int total = Arrays.stream(messages).mapToInt(m -> Nl.align(m.length)).sum();
        ByteBuffer b = ByteBuffer.allocate(total);
        for (byte[] m : messages) {
            b.put(m).position(Nl.align(b.position()));
        }
        return b.array();
    }

    private static List<NetlinkMessage> split(byte[] bytes, int length) {
        return NetlinkMessage.split(HexFixture.wrap(bytes), length);
    }

    private static byte[] withShort(byte[] message, int offset, int value) {
        byte[] b = message.clone();
        HexFixture.wrap(b).putShort(offset, (short) value);
        return b;
    }

    private static byte[] withInt(byte[] message, int offset, int value) {
        byte[] b = message.clone();
        HexFixture.wrap(b).putInt(offset, value);
        return b;
    }

    /** Where the first top-level attribute of {@code type} is, after a fixed struct of {@code structLen}. */
    private static int offsetOf(byte[] message, int structLen, int type) {
        ByteBuffer b = HexFixture.wrap(message);
        for (int pos = Nl.HEADER_LEN + Nl.align(structLen); pos + 4 <= message.length; pos += Nl.align(b.getShort(pos) & 0xffff)) {
            if ((b.getShort(pos + 2) & Nl.NLA_TYPE_MASK) == type) {
                return pos;
            }
        }
        throw new AssertionError("no attribute of type " + type);
    }

    @Test
    void aWholeDumpSplitsIntoItsMessages() {
        byte[] v4 = HexFixture.read("kernel/route-v4-default.hex");
        byte[] v6 = HexFixture.read("kernel/route-v6-default.hex");
        byte[] dump = concat(v4, v6, HexFixture.read("kernel/route-v4-onlink.hex"));
        List<NetlinkMessage> messages = split(dump, dump.length);
        assertThat(messages).extracting(NetlinkMessage::offset).containsExactly(0, v4.length, v4.length + v6.length);
        assertThat(messages).extracting(m -> RouteCodec.decode(m).toString())
                .containsExactly("default via 10.1.0.254 dev #2 metric 100", "default via fd00::fe dev #2 metric 1024",
                        "10.8.0.0/16 via 192.168.77.1 dev #2 onlink");
    }

    @Test
    void truncatedReadNamesTheMessageThatDoesNotFit() {
        byte[] link = HexFixture.read("kernel/link-bridge.hex");
        assertThatThrownBy(() -> split(link, 1000)).isInstanceOf(MalformedMessageException.class)
                .hasMessage("message at offset 0 claims " + link.length + " bytes, 1000 remain");
        byte[] first = HexFixture.read("kernel/route-v4-default.hex");
        byte[] second = HexFixture.read("kernel/route-v4-table100.hex");
        byte[] two = concat(first, second);
        assertThatThrownBy(() -> split(two, first.length + 40)).isInstanceOf(MalformedMessageException.class)
                .hasMessage("message at offset " + first.length + " claims " + second.length + " bytes, 40 remain");
    }

    @Test
    void lengthShorterThanTheHeader() {
        byte[] bad = withInt(HexFixture.read("kernel/addr-v4.hex"), 0, 8);
        assertThatThrownBy(() -> split(bad, bad.length)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("offset 0 claims 8 bytes");
    }

    @Test
    void attributeLengthBeyondTheEnd() {
        // IFLA_IFNAME is the first attribute, at offset 32 (16 header + 16 ifinfomsg)
        byte[] link = HexFixture.read("kernel/link-bridge.hex");
        byte[] bad = withShort(link, 32, 0x1000);
        assertThatThrownBy(() -> LinkCodec.decode(HexFixture.message(bad, "link"))).isInstanceOf(MalformedMessageException.class)
                .hasMessage("attribute type 3 at offset 32 claims 4096 bytes, " + (link.length - 32) + " remain");
    }

    @Test
    void attributeLengthShorterThanItsHeader() {
        byte[] address = HexFixture.read("kernel/addr-v4.hex");
        byte[] bad = withShort(address, 24, 2); // IFA_ADDRESS, after 16 + 8 bytes
        assertThatThrownBy(() -> AddressCodec.decode(HexFixture.message(bad, "address"))).isInstanceOf(MalformedMessageException.class)
                .hasMessage("attribute type 1 at offset 24 claims 2 bytes, " + (address.length - 24) + " remain");
    }

    @Test
    void nestedAttributeBeyondItsParent() {
        // in IFLA_LINKINFO, IFLA_INFO_KIND "vxlan" (12 bytes with padding), then IFLA_INFO_DATA
        byte[] vxlan = HexFixture.read("kernel/link-vxlan.hex");
        int linkinfo = offsetOf(vxlan, 16, 18);
        int linkinfoEnd = linkinfo + (HexFixture.wrap(vxlan).getShort(linkinfo) & 0xffff);
        int data = linkinfo + 4 + 12;
        assertThat(HexFixture.wrap(vxlan).getShort(data + 2) & Nl.NLA_TYPE_MASK).as("IFLA_INFO_DATA").isEqualTo(2);
        byte[] bad = withShort(vxlan, data, 0x100);
        assertThatThrownBy(() -> LinkCodec.decode(HexFixture.message(bad, "vxlan"))).isInstanceOf(MalformedMessageException.class)
                .hasMessage("attribute type 2 at offset " + data + " claims 256 bytes, " + (linkinfoEnd - data) + " remain");
    }

    @Test
    void messageShorterThanItsFixedStruct() {
        // an RTM_NEWLINK of 20 bytes, followed by a whole message its decoder must not read into
        byte[] link = withInt(Arrays.copyOf(HexFixture.read("kernel/link-lo.hex"), 20), 0, 20);
        byte[] buffer = concat(link, HexFixture.read("kernel/route-v4-default.hex"));
        NetlinkMessage shortLink = split(buffer, buffer.length).get(0);
        assertThatThrownBy(() -> LinkCodec.decode(shortLink)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("message type 16 at offset 0").hasMessageContaining("20 bytes");
        byte[] address = withInt(Arrays.copyOf(HexFixture.read("kernel/addr-v4.hex"), 20), 0, 20);
        assertThatThrownBy(() -> AddressCodec.decode(HexFixture.message(address, "address")))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("message type 20 at offset 0");
    }
}
