package io.netmgr.netlink.nftables;

import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nfnl;
import java.util.List;

/**
 * The ruleset generation of one namespace's nf_tables (NETLINK_NETFILTER, subsystem NFTABLES,
 * {@code NFT_MSG_GETGEN}): a counter the kernel raises with every committed nftables
 * transaction, whoever sends it ({@code nft}, libnftables, iptables-nft, firewalld). While it
 * stays the same, nothing in the namespace's ruleset changed, so a watcher can skip listing it.
 * One round trip of a few dozen bytes, whatever the size of the ruleset. The socket is opened
 * inside the namespace and stays bound to it, so the handle can be used from any thread.
 */
public final class NftablesGeneration implements AutoCloseable {
    static final int NFT_MSG_NEWGEN = 15, NFT_MSG_GETGEN = 16;
    static final int NFTA_GEN_ID = 1;
    static final int AF_UNSPEC = 0;

    private final NetlinkSocket socket;

    private NftablesGeneration(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** A handle on the nftables generation of {@code ns}. */
    public static NftablesGeneration open(NetNs ns) {
        return new NftablesGeneration(ns.call(() -> NetlinkSocket.open(Nfnl.NETLINK_NETFILTER)));
    }

    /** The current generation (an unsigned 32-bit counter, as a long). */
    public long current() {
        MessageWriter get = Nfnl.request(Nfnl.SUBSYS_NFTABLES, NFT_MSG_GETGEN, 0, AF_UNSPEC);
        List<Long> ids = socket.query(get, "read the nftables generation", NftablesGeneration::decode);
        if (ids.size() != 1) {
            throw new IllegalStateException("the kernel answered the nftables generation query with " + ids.size()
                    + " generation messages instead of one");
        }
        return ids.get(0);
    }

    /** The generation id of a NEWGEN answer, or null for any other message. */
    static Long decode(NetlinkMessage m) {
        if (m.type() != Nfnl.type(Nfnl.SUBSYS_NFTABLES, NFT_MSG_NEWGEN)) {
            return null;
        }
        Attributes attrs = m.attributes(Nfnl.NFGENMSG_LEN);
        return attrs.bytes(NFTA_GEN_ID).filter(b -> b.length == 4)
                .map(b -> ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL))
                .orElse(null);
    }

    @Override
    public void close() {
        socket.close();
    }
}
