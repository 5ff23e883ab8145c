package io.netmgr.netlink.wire;

import java.nio.ByteBuffer;

/**
 * One received netlink message. {@code buf} holds it at {@code offset}; the family's fixed
 * struct starts at {@link #bodyOffset()} and its attributes follow it.
 */
public record NetlinkMessage(ByteBuffer buf, int offset, int length, int type, int flags, int seq, int portId) {

    /** Splits a buffer of received bytes into messages (a read can hold several). */
    public static java.util.List<NetlinkMessage> split(ByteBuffer buf, int length) {
        java.util.List<NetlinkMessage> out = new java.util.ArrayList<>();
        int pos = 0;
        while (pos + Nl.HEADER_LEN <= length) {
            int len = buf.getInt(pos);
            if (len < Nl.HEADER_LEN || pos + len > length) {
                throw new MalformedMessageException("message at offset " + pos + " claims " + len
                        + " bytes, " + (length - pos) + " remain");
            }
            out.add(new NetlinkMessage(buf, pos, len, buf.getShort(pos + 4) & 0xffff,
                    buf.getShort(pos + 6) & 0xffff, buf.getInt(pos + 8), buf.getInt(pos + 12)));
            pos += Nl.align(len);
        }
        return out;
    }

    public int bodyOffset() {
        return offset + Nl.HEADER_LEN;
    }

    public int end() {
        return offset + length;
    }

    /** The attributes that follow a fixed struct of {@code structLen} bytes. */
    public Attributes attributes(int structLen) {
        requireBody(structLen, "its " + structLen + "-byte fixed struct");
        return Attributes.parse(buf, bodyOffset() + Nl.align(structLen), end());
    }

    public int u8(int bodyPos) {
        return buf.get(field(bodyPos, 1)) & 0xff;
    }

    public int u16(int bodyPos) {
        return buf.getShort(field(bodyPos, 2)) & 0xffff;
    }

    public int i32(int bodyPos) {
        return buf.getInt(field(bodyPos, 4));
    }

    /**
     * Where the field of {@code size} bytes at {@code bodyPos} is, if the message holds it: the
     * buffer goes on with the next message, so reading past this one would not fail by itself.
     */
    private int field(int bodyPos, int size) {
        requireBody(bodyPos + size, "a " + size + "-byte field at body offset " + bodyPos);
        return bodyOffset() + bodyPos;
    }

    private void requireBody(int bytes, String what) {
        if (Nl.HEADER_LEN + bytes > length) {
            throw new MalformedMessageException("message type " + type + " at offset " + offset + " is " + length
                    + " bytes, too short for " + what);
        }
    }
}
