package io.netmgr.netlink.wire;

/** Constants of the netlink wire format (linux/netlink.h) shared by every family. */
public final class Nl {
    public static final int HEADER_LEN = 16;
    public static final int ATTR_HEADER_LEN = 4;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int F_REQUEST = 0x1;
    public static final int F_MULTI = 0x2;
    public static final int F_ACK = 0x4;
    public static final int F_ECHO = 0x8;
    public static final int F_DUMP_INTR = 0x10;
    public static final int F_ROOT = 0x100;
    public static final int F_MATCH = 0x200;
    public static final int F_DUMP = F_ROOT | F_MATCH;
    public static final int F_REPLACE = 0x100;
    public static final int F_EXCL = 0x200;
    public static final int F_CREATE = 0x400;
    public static final int F_APPEND = 0x800;
    /** On NLMSG_ERROR: the request was not echoed back (NETLINK_CAP_ACK). */
    public static final int F_CAPPED = 0x100;
    /** On NLMSG_ERROR: extended ack TLVs follow. */
    public static final int F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;

    public static final int NLA_F_NESTED = 0x8000;
    public static final int NLA_F_NET_BYTEORDER = 0x4000;
    public static final int NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    private Nl() {
    }

    /** Rounds {@code len} up to netlink's 4-byte alignment. */
    public static int align(int len) {
        return (len + 3) & ~3;
    }
}
