package io.netmgr.netlink.conntrack;

import io.netmgr.netlink.NetlinkException;
import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nfnl;
import io.netmgr.netlink.wire.Nl;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The connection tracking table of one network namespace, through ctnetlink (NETLINK_NETFILTER,
 * subsystem CTNETLINK): what {@code conntrack -D} does, without starting a process. The socket
 * is opened inside the namespace and stays bound to it, so the handle can be used from any thread.
 */
public final class Conntrack implements AutoCloseable {
    static final int IPCTNL_MSG_CT_GET = 1, IPCTNL_MSG_CT_DELETE = 2;
    static final int CTA_TUPLE_ORIG = 1, CTA_TUPLE_REPLY = 2, CTA_ZONE = 18;
    static final int CTA_TUPLE_IP = 1, CTA_TUPLE_PROTO = 2;
    static final int CTA_IP_V4_SRC = 1, CTA_IP_V4_DST = 2, CTA_IP_V6_SRC = 3, CTA_IP_V6_DST = 4;
    static final int CTA_PROTO_NUM = 1, CTA_PROTO_SRC_PORT = 2, CTA_PROTO_DST_PORT = 3;
    static final int AF_INET = 2, AF_INET6 = 10;
    public static final int IPPROTO_TCP = 6, IPPROTO_UDP = 17;

    private final NetlinkSocket socket;

    private Conntrack(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** A handle on the conntrack table of {@code ns}. */
    public static Conntrack open(NetNs ns) {
        return new Conntrack(ns.call(() -> NetlinkSocket.open(Nfnl.NETLINK_NETFILTER)));
    }

    /**
     * A flow as its original direction names it: who sent the first packet to where.
     *
     * @param zone        the conntrack zone (0 unless a ruleset sets one)
     * @param replySource who sends the replies: the destination, or the address it was DNATed to
     *                    (a service's backend); null when the kernel gave no reply tuple
     */
    public record Flow(int protocol, IpAddress source, int sourcePort, IpAddress destination, int destinationPort, int zone,
            IpAddress replySource) {
        /** True when the replies come from {@code address}: the flow was sent (or DNATed) there. */
        public boolean repliedBy(IpAddress address) {
            return address.equals(replySource);
        }
    }

    /** The flows of {@code family} in the table (its original direction; protocols without ports have port 0). */
    public List<Flow> flows(IpFamily family) {
        MessageWriter dump = request(IPCTNL_MSG_CT_GET, Nl.F_DUMP, family);
        return socket.query(dump, "list conntrack entries", Conntrack::decode);
    }

    /**
     * Deletes the flows of {@code protocol} whose original destination is {@code port}, and
     * {@code destination} when given; returns how many it deleted.
     */
    public int deleteByDestination(IpFamily family, int protocol, int port, Optional<IpAddress> destination) {
        return delete(family, f -> f.protocol() == protocol && f.destinationPort() == port
                && destination.map(d -> d.equals(f.destination())).orElse(true));
    }

    /**
     * Deletes the flows of {@code family} that {@code which} selects, from one dump of the table;
     * returns how many it deleted. A flow that ends on its own meanwhile is not an error. The
     * kernel walks its whole hash table for a dump (every namespace's buckets: milliseconds on a
     * host with a large table), so callers select all they need in one call.
     */
    public int delete(IpFamily family, Predicate<Flow> which) {
        int deleted = 0;
        for (Flow f : flows(family)) {
            if (which.test(f) && delete(f)) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Deletes one flow by its original tuple; false when it was already gone. */
    public boolean delete(Flow f) {
        MessageWriter w = request(IPCTNL_MSG_CT_DELETE, 0, f.source().family());
        int tuple = w.beginNested(CTA_TUPLE_ORIG);
        int ip = w.beginNested(CTA_TUPLE_IP);
        boolean v4 = f.source().family() == IpFamily.V4;
        w.attr(v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC, f.source().toBytes());
        w.attr(v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST, f.destination().toBytes());
        w.endNested(ip);
        int proto = w.beginNested(CTA_TUPLE_PROTO);
        w.attrU8(CTA_PROTO_NUM, f.protocol());
        if (f.protocol() == IPPROTO_TCP || f.protocol() == IPPROTO_UDP) {
            w.attrBe16(CTA_PROTO_SRC_PORT, f.sourcePort());
            w.attrBe16(CTA_PROTO_DST_PORT, f.destinationPort());
        }
        w.endNested(proto);
        w.endNested(tuple);
        if (f.zone() != 0) {
            w.attrBe16(CTA_ZONE, f.zone());
        }
        try {
            socket.execute(w, "delete conntrack entry " + f);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    private static MessageWriter request(int message, int flags, IpFamily family) {
        return Nfnl.request(Nfnl.SUBSYS_CTNETLINK, message, flags, family == IpFamily.V4 ? AF_INET : AF_INET6);
    }

    /** The source address of the reply tuple, when the entry has one. */
    private static Optional<IpAddress> replySource(Attributes attrs) {
        return attrs.nested(CTA_TUPLE_REPLY).flatMap(t -> t.nested(CTA_TUPLE_IP))
                .flatMap(ip -> ip.ipAddress(CTA_IP_V4_SRC).or(() -> ip.ipAddress(CTA_IP_V6_SRC)));
    }

    /** One entry of a dump, or null when it lacks an original tuple with addresses. */
    static Flow decode(NetlinkMessage m) {
        Attributes attrs = m.attributes(Nfnl.NFGENMSG_LEN);
        Optional<Attributes> tuple = attrs.nested(CTA_TUPLE_ORIG);
        if (tuple.isEmpty()) {
            return null;
        }
        Optional<Attributes> ip = tuple.get().nested(CTA_TUPLE_IP);
        Optional<Attributes> proto = tuple.get().nested(CTA_TUPLE_PROTO);
        if (ip.isEmpty() || proto.isEmpty()) {
            return null;
        }
        Optional<IpAddress> src = ip.get().ipAddress(CTA_IP_V4_SRC).or(() -> ip.get().ipAddress(CTA_IP_V6_SRC));
        Optional<IpAddress> dst = ip.get().ipAddress(CTA_IP_V4_DST).or(() -> ip.get().ipAddress(CTA_IP_V6_DST));
        if (src.isEmpty() || dst.isEmpty()) {
            return null;
        }
        Attributes p = proto.get();
        return new Flow(p.u8(CTA_PROTO_NUM, 0), src.get(), p.be16(CTA_PROTO_SRC_PORT, 0), dst.get(),
                p.be16(CTA_PROTO_DST_PORT, 0), attrs.be16(CTA_ZONE, 0), replySource(attrs).orElse(null));
    }

    @Override
    public void close() {
        socket.close();
    }
}
