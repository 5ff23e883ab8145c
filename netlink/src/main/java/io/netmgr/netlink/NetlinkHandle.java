package io.netmgr.netlink;

import io.netmgr.netlink.event.EventSubscription;
import io.netmgr.netlink.event.NetlinkEvent;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.Addresses;
import io.netmgr.netlink.rt.Fdb;
import io.netmgr.netlink.rt.Links;
import io.netmgr.netlink.rt.Neighbours;
import io.netmgr.netlink.rt.Qdiscs;
import io.netmgr.netlink.rt.Routes;
import java.util.function.Consumer;

/**
 * rtnetlink bound to one network namespace: its socket is opened inside that namespace
 * and stays bound to it, so a handle can be used from any thread.
 */
public final class NetlinkHandle implements AutoCloseable {
    private final NetNs namespace;
    private final NetlinkSocket socket;
    private final Links links;
    private final Addresses addresses;
    private final Routes routes;
    private final Neighbours neighbours;
    private final Fdb fdb;
    private final Qdiscs qdiscs;

    private NetlinkHandle(NetNs namespace, NetlinkSocket socket) {
        this.namespace = namespace;
        this.socket = socket;
        this.links = new Links(socket);
        this.addresses = new Addresses(socket, links);
        this.routes = new Routes(socket);
        this.neighbours = new Neighbours(socket);
        this.fdb = new Fdb(socket);
        this.qdiscs = new Qdiscs(socket);
    }

    /** A handle on {@code namespace}. */
    public static NetlinkHandle open(NetNs namespace) {
        NetlinkSocket socket = namespace.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE));
        return new NetlinkHandle(namespace, socket);
    }

    /** A handle on the namespace the process started in. */
    public static NetlinkHandle open() {
        return open(NetNs.process());
    }

    public NetNs namespace() {
        return namespace;
    }

    public Links links() {
        return links;
    }

    public Addresses addresses() {
        return addresses;
    }

    public Routes routes() {
        return routes;
    }

    public Neighbours neighbours() {
        return neighbours;
    }

    public Fdb fdb() {
        return fdb;
    }

    /** Sends a batch of change requests, several to a send (see {@link NetlinkBatch}). */
    public NetlinkBatch.Result execute(NetlinkBatch batch) {
        return socket.execute(batch);
    }

    /** Traffic control: the queueing disciplines on the links. */
    public Qdiscs qdiscs() {
        return qdiscs;
    }

    /** Link and address events of this handle's namespace, delivered on a thread of their own. */
    public EventSubscription subscribe(Consumer<NetlinkEvent> listener) {
        return EventSubscription.open(namespace, listener);
    }

    @Override
    public void close() {
        socket.close();
    }
}
