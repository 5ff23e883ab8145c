package io.netmgr.netlink;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.Links;

/**
 * rtnetlink bound to one network namespace: its socket is opened inside that namespace
 * and stays bound to it, so a handle can be used from any thread.
 */
public final class NetlinkHandle implements AutoCloseable {
    private final NetNs namespace;
    private final NetlinkSocket socket;
    private final Links links;

    private NetlinkHandle(NetNs namespace, NetlinkSocket socket) {
        this.namespace = namespace;
        this.socket = socket;
        this.links = new Links(socket);
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

    @Override
    public void close() {
        socket.close();
    }
}
