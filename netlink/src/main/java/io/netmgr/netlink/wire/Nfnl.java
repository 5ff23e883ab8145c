package io.netmgr.netlink.wire;

/**
 * The nfnetlink layer (linux/netfilter/nfnetlink.h) shared by the netfilter subsystems this
 * library speaks, ctnetlink and nf_tables: the message type carries the subsystem in its high
 * byte, and every message starts with a {@code struct nfgenmsg}.
 */
public final class Nfnl {
    /** The netlink protocol of every netfilter subsystem. */
    public static final int NETLINK_NETFILTER = 12;
    public static final int SUBSYS_CTNETLINK = 1;
    public static final int SUBSYS_NFTABLES = 10;
    /** struct nfgenmsg: family, version, resource id (big endian). */
    public static final int NFGENMSG_LEN = 4;
    public static final int NFNETLINK_V0 = 0;

    private Nfnl() {
    }

    /** The netlink message type of {@code message} of {@code subsystem}. */
    public static int type(int subsystem, int message) {
        return (subsystem << 8) | message;
    }

    /** A request of {@code subsystem} with its nfgenmsg header for {@code family} written, resource id 0. */
    public static MessageWriter request(int subsystem, int message, int flags, int family) {
        return new MessageWriter(type(subsystem, message), flags).u8(family).u8(NFNETLINK_V0).u16(0);
    }
}
