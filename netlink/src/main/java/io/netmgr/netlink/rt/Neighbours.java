package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkBatch;
import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.sys.Errno;
import java.util.List;

/** ARP / NDP entries in one namespace: set (add or replace), delete, list. */
public final class Neighbours {
    private final NetlinkSocket socket;

    public Neighbours(NetlinkSocket socket) {
        this.socket = socket;
    }

    public void set(Neighbour n) {
        socket.execute(NeighbourCodec.set(n), setting(n));
    }

    public void delete(Neighbour n) {
        socket.execute(NeighbourCodec.delete(n), deleting(n));
    }

    /** Sets (adds or replaces) {@code n} as part of {@code batch}. */
    public static NetlinkBatch set(NetlinkBatch batch, Neighbour n) {
        return batch.add(NeighbourCodec.set(n), setting(n));
    }

    /** Deletes {@code n} as part of {@code batch}; an entry already gone is no error. */
    public static NetlinkBatch deleteIfPresent(NetlinkBatch batch, Neighbour n) {
        return batch.add(NeighbourCodec.delete(n), deleting(n), Errno.ENOENT);
    }

    private static String setting(Neighbour n) {
        return "set neighbour " + IpAddress.of(n.ip()) + " lladdr " + n.mac() + " on link #" + n.linkIndex();
    }

    private static String deleting(Neighbour n) {
        return "delete neighbour " + IpAddress.of(n.ip()) + " on link #" + n.linkIndex();
    }

    public List<Neighbour> list() {
        return socket.query(NeighbourCodec.dump(Rt.AF_UNSPEC), "list neighbours", NeighbourCodec::decodeNeighbour);
    }

    public List<Neighbour> list(int linkIndex) {
        return list().stream().filter(n -> n.linkIndex() == linkIndex).toList();
    }
}
