package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.qdisc.Qdisc;
import io.netmgr.netlink.qdisc.Tbf;
import java.util.List;
import java.util.Optional;

/** Queueing disciplines in one namespace (what {@code tc qdisc} shows): list, put a tbf on a link, remove it. */
public final class Qdiscs {
    private final NetlinkSocket socket;

    public Qdiscs(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** Puts {@code tbf} on the egress of link {@code linkIndex}, replacing or changing the root qdisc there. */
    public void replaceRoot(int linkIndex, Tbf tbf) {
        socket.execute(QdiscCodec.replaceRoot(linkIndex, tbf), "replace root qdisc of link #" + linkIndex + " with " + tbf);
    }

    /**
     * Removes the root qdisc of link {@code linkIndex}; the device gets its default back. Fails
     * with ENOENT when the root is the default already.
     */
    public void deleteRoot(int linkIndex) {
        socket.execute(QdiscCodec.deleteRoot(linkIndex), "delete root qdisc of link #" + linkIndex);
    }

    /** Every qdisc in the namespace. */
    public List<Qdisc> list() {
        return socket.query(QdiscCodec.dump(), "list qdiscs", QdiscCodec::decode);
    }

    public List<Qdisc> list(int linkIndex) {
        return list().stream().filter(q -> q.linkIndex() == linkIndex).toList();
    }

    /** The qdisc on the link's egress; empty for a link that has none (not even a default). */
    public Optional<Qdisc> root(int linkIndex) {
        return list(linkIndex).stream().filter(Qdisc::isRoot).findFirst();
    }
}
