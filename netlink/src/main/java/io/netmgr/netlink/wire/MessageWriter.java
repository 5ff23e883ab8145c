package io.netmgr.netlink.wire;

import io.netmgr.netlink.addr.IpAddress;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds one netlink request: the header, the family's fixed struct, then attributes
 * (nested ones included), each 4-byte aligned. The sequence number and port are set by
 * the socket when it sends. Host byte order except where an attribute says otherwise.
 */
public final class MessageWriter {
    private static final int MAX_ATTR_LEN = 0xffff;

    private ByteBuffer buf;

    public MessageWriter(int type, int flags) {
        buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    public int type() {
        return buf.getShort(4) & 0xffff;
    }

    public int flags() {
        return buf.getShort(6) & 0xffff;
    }

    public MessageWriter addFlags(int flags) {
        buf.putShort(6, (short) (flags() | flags));
        return this;
    }

    public MessageWriter u8(int v) {
        ensure(1).put((byte) v);
        return this;
    }

    public MessageWriter u16(int v) {
        ensure(2).putShort((short) v);
        return this;
    }

    public MessageWriter u32(int v) {
        ensure(4).putInt(v);
        return this;
    }

    /** Zero bytes, for struct padding. */
    public MessageWriter pad(int n) {
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf.put((byte) 0);
        }
        return this;
    }

    public MessageWriter attr(int type, byte[] value) {
        attrHeader(type, value.length);
        ensure(value.length).put(value);
        return alignTo4();
    }

    public MessageWriter attrU8(int type, int v) {
        attrHeader(type, 1);
        return u8(v).alignTo4();
    }

    public MessageWriter attrU16(int type, int v) {
        attrHeader(type, 2);
        return u16(v).alignTo4();
    }

    /** A 16-bit value in network byte order (ports). */
    public MessageWriter attrBe16(int type, int v) {
        attrHeader(type, 2);
        ensure(2).put((byte) (v >> 8)).put((byte) v);
        return alignTo4();
    }

    public MessageWriter attrU32(int type, int v) {
        attrHeader(type, 4);
        return u32(v);
    }

    public MessageWriter attrU64(int type, long v) {
        attrHeader(type, 8);
        ensure(8).putLong(v);
        return this;
    }

    /** A NUL-terminated string, as the kernel expects for names. */
    public MessageWriter attrString(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        attrHeader(type, b.length + 1);
        ensure(b.length + 1).put(b).put((byte) 0);
        return alignTo4();
    }

    public MessageWriter attrAddress(int type, InetAddress address) {
        return attr(type, address.getAddress());
    }

    public MessageWriter attrAddress(int type, IpAddress address) {
        return attr(type, address.toBytes());
    }

    public MessageWriter attrFlag(int type) {
        attrHeader(type, 0);
        return this;
    }

    /** Opens a nested attribute; close it with {@link #endNested(int)} passing what this returns. */
    public int beginNested(int type) {
        int start = buf.position();
        attrHeader(type | Nl.NLA_F_NESTED, 0);
        return start;
    }

    public MessageWriter endNested(int start) {
        int len = buf.position() - start;
        if (len > MAX_ATTR_LEN) {
            throw new IllegalArgumentException("nested attribute type " + (buf.getShort(start + 2) & Nl.NLA_TYPE_MASK)
                    + " is " + len + " bytes; netlink's 16-bit length allows " + MAX_ATTR_LEN);
        }
        buf.putShort(start, (short) len);
        return this;
    }

    /** The finished message with its length set; {@code seq} and {@code portId} are stamped in. */
    public ByteBuffer finish(int seq, int portId) {
        buf.putInt(0, buf.position());
        buf.putInt(8, seq);
        buf.putInt(12, portId);
        ByteBuffer out = buf.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        return out;
    }

    /** The bytes as they would be sent with sequence {@code seq} and port 0 (for tests and logs). */
    public byte[] toBytes(int seq) {
        ByteBuffer b = finish(seq, 0);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private void attrHeader(int type, int payloadLen) {
        // nla_len is 16 bits: a longer attribute would be sent with a wrapped length
        if (Nl.ATTR_HEADER_LEN + payloadLen > MAX_ATTR_LEN) {
            throw new IllegalArgumentException("attribute type " + (type & Nl.NLA_TYPE_MASK) + " would be "
                    + (Nl.ATTR_HEADER_LEN + payloadLen) + " bytes; netlink's 16-bit length allows " + MAX_ATTR_LEN);
        }
        ensure(Nl.ATTR_HEADER_LEN).putShort((short) (Nl.ATTR_HEADER_LEN + payloadLen)).putShort((short) type);
    }

    private MessageWriter alignTo4() {
        int pad = Nl.align(buf.position()) - buf.position();
        return pad(pad);
    }

    private ByteBuffer ensure(int n) {
        if (buf.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n))
                    .order(ByteOrder.nativeOrder());
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        return buf;
    }
}
