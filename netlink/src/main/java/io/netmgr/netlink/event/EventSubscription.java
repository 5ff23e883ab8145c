package io.netmgr.netlink.event;

import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.AddressCodec;
import io.netmgr.netlink.rt.LinkCodec;
import io.netmgr.netlink.rt.NeighbourCodec;
import io.netmgr.netlink.rt.Rt;
import io.netmgr.netlink.sys.Native;
import io.netmgr.netlink.wire.NetlinkMessage;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Delivers link and address events of one namespace to a listener, on a thread of its own,
 * until closed. A socket bound to the multicast groups is opened inside the namespace.
 */
public final class EventSubscription implements AutoCloseable {
    private static final int POLLIN = 1;
    private static final int POLL_MILLIS = 200;

    private final NetlinkSocket socket;
    private final Consumer<NetlinkEvent> listener;
    private final Thread reader;
    private volatile boolean closed;

    private EventSubscription(NetlinkSocket socket, Consumer<NetlinkEvent> listener, String name) {
        this.socket = socket;
        this.listener = listener;
        this.reader = new Thread(this::readLoop, name);
        this.reader.setDaemon(true);
    }

    /** Subscribes {@code listener} to link and address changes in {@code namespace}. */
    public static EventSubscription open(NetNs namespace, Consumer<NetlinkEvent> listener) {
        int groups = Rt.RTMGRP_LINK | Rt.RTMGRP_IPV4_IFADDR | Rt.RTMGRP_IPV6_IFADDR;
        NetlinkSocket socket = namespace.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE, groups));
        EventSubscription s = new EventSubscription(socket, listener, "netlink-events " + namespace);
        s.reader.start();
        return s;
    }

    /**
     * Subscribes {@code listener} to neighbour and forwarding-database changes in {@code namespace}
     * (what {@code ip monitor neigh} shows): an overlay's peers appearing and going.
     */
    public static EventSubscription openNeighbours(NetNs namespace, Consumer<NetlinkEvent> listener) {
        NetlinkSocket socket = namespace.call(() -> NetlinkSocket.open(NetlinkSocket.NETLINK_ROUTE, Rt.RTMGRP_NEIGH));
        EventSubscription s = new EventSubscription(socket, listener, "netlink-neighbour-events " + namespace);
        s.reader.start();
        return s;
    }

    private void readLoop() {
        ByteBuffer pollFd = Native.direct(8);
        while (!closed) {
            // close() cannot interrupt a blocked recv on a netlink socket, so wait with a timeout.
            pollFd.putInt(0, socket.fd()).putShort(4, (short) POLLIN).putShort(6, (short) 0);
            if (Native.libc().poll(pollFd, 1, POLL_MILLIS) <= 0 || closed) {
                continue;
            }
            for (NetlinkMessage m : socket.receiveAny()) {
                NetlinkEvent e = decode(m);
                if (e != null) {
                    listener.accept(e);
                }
            }
        }
        socket.close();
    }

    static NetlinkEvent decode(NetlinkMessage m) {
        return switch (m.type()) {
            case Rt.RTM_NEWLINK, Rt.RTM_DELLINK -> {
                var link = LinkCodec.decode(m);
                yield link == null ? null : new NetlinkEvent.LinkChanged(link, m.type() == Rt.RTM_DELLINK);
            }
            case Rt.RTM_NEWADDR, Rt.RTM_DELADDR -> {
                var address = AddressCodec.decode(m);
                yield address == null ? null : new NetlinkEvent.AddressChanged(address, m.type() == Rt.RTM_DELADDR);
            }
            case Rt.RTM_NEWNEIGH, Rt.RTM_DELNEIGH -> {
                boolean removed = m.type() == Rt.RTM_DELNEIGH;
                if (m.u8(0) == Rt.AF_BRIDGE) {
                    var entry = NeighbourCodec.decodeFdb(m);
                    yield entry == null ? null : new NetlinkEvent.FdbChanged(entry, removed);
                }
                var neighbour = NeighbourCodec.decodeNeighbour(m);
                yield neighbour == null ? null : new NetlinkEvent.NeighbourChanged(neighbour, removed);
            }
            default -> null;
        };
    }

    @Override
    public void close() {
        closed = true;
        if (Thread.currentThread() != reader) {
            try {
                reader.join(2 * POLL_MILLIS + 100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
