package io.netmgr.netlink.wire;

import io.netmgr.netlink.addr.IpAddress;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The attributes of one message (or one nested attribute), indexed by type. Values are
 * views into the received buffer; nothing is copied until a getter is called.
 */
public final class Attributes {
    private static final int MAX_TYPE = 128;
    private final ByteBuffer buf;
    private final int[] offsets = new int[MAX_TYPE];
    private final int[] lengths = new int[MAX_TYPE];

    private Attributes(ByteBuffer buf) {
        this.buf = buf;
    }

    /** Parses the attributes in {@code buf} from {@code start} (absolute) to {@code end}. */
    public static Attributes parse(ByteBuffer buf, int start, int end) {
        Attributes a = new Attributes(buf);
        int pos = start;
        while (pos + Nl.ATTR_HEADER_LEN <= end) {
            int len = buf.getShort(pos) & 0xffff;
            int type = buf.getShort(pos + 2) & Nl.NLA_TYPE_MASK;
            if (len < Nl.ATTR_HEADER_LEN || pos + len > end) {
                throw new MalformedMessageException("attribute type " + type + " at offset " + pos
                        + " claims " + len + " bytes, " + (end - pos) + " remain");
            }
            if (type < MAX_TYPE) {
                a.offsets[type] = pos + Nl.ATTR_HEADER_LEN;
                a.lengths[type] = len - Nl.ATTR_HEADER_LEN + 1; // +1 so 0 means absent
            }
            pos += Nl.align(len);
        }
        return a;
    }

    public boolean has(int type) {
        return type < MAX_TYPE && lengths[type] != 0;
    }

    /** Payload length of {@code type}, or -1 when absent. */
    public int length(int type) {
        return has(type) ? lengths[type] - 1 : -1;
    }

    public Optional<Integer> u32(int type) {
        return has(type) && length(type) >= 4 ? Optional.of(buf.getInt(offsets[type])) : Optional.empty();
    }

    public int u32(int type, int otherwise) {
        return has(type) && length(type) >= 4 ? buf.getInt(offsets[type]) : otherwise;
    }

    public long u64(int type, long otherwise) {
        return has(type) && length(type) >= 8 ? buf.getLong(offsets[type]) : otherwise;
    }

    public int u16(int type, int otherwise) {
        return has(type) && length(type) >= 2 ? buf.getShort(offsets[type]) & 0xffff : otherwise;
    }

    /** A 16-bit value in network byte order. */
    public int be16(int type, int otherwise) {
        if (!has(type) || length(type) < 2) {
            return otherwise;
        }
        return ((buf.get(offsets[type]) & 0xff) << 8) | (buf.get(offsets[type] + 1) & 0xff);
    }

    public int u8(int type, int otherwise) {
        return has(type) && length(type) >= 1 ? buf.get(offsets[type]) & 0xff : otherwise;
    }

    /** A string without its trailing NUL. */
    public Optional<String> string(int type) {
        if (!has(type)) {
            return Optional.empty();
        }
        int len = length(type);
        int off = offsets[type];
        while (len > 0 && buf.get(off + len - 1) == 0) {
            len--;
        }
        byte[] b = new byte[len];
        buf.get(off, b);
        return Optional.of(new String(b, StandardCharsets.UTF_8));
    }

    public Optional<byte[]> bytes(int type) {
        if (!has(type)) {
            return Optional.empty();
        }
        byte[] b = new byte[length(type)];
        buf.get(offsets[type], b);
        return Optional.of(b);
    }

    /** An IPv4 or IPv6 address attribute. */
    public Optional<InetAddress> address(int type) {
        return ipAddress(type).map(IpAddress::toInetAddress);
    }

    /** An IPv4 or IPv6 address attribute, as a value. */
    public Optional<IpAddress> ipAddress(int type) {
        return bytes(type).filter(b -> b.length == 4 || b.length == 16).map(IpAddress::of);
    }

    public Optional<Attributes> nested(int type) {
        return has(type) ? Optional.of(parse(buf, offsets[type], offsets[type] + length(type))) : Optional.empty();
    }
}
