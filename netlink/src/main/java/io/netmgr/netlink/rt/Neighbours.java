package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.neigh.Neighbour;
import java.util.List;

/** ARP / NDP entries in one namespace: set (add or replace), delete, list. */
public final class Neighbours {
    private final NetlinkSocket socket;

    public Neighbours(NetlinkSocket socket) {
        this.socket = socket;
    }

    public void set(Neighbour n) {
        socket.execute(NeighbourCodec.set(n), "set neighbour " + IpAddress.of(n.ip()) + " lladdr " + n.mac()
                + " on link #" + n.linkIndex());
    }

    public void delete(Neighbour n) {
        socket.execute(NeighbourCodec.delete(n), "delete neighbour " + IpAddress.of(n.ip()) + " on link #" + n.linkIndex());
    }

    public List<Neighbour> list() {
        return socket.query(NeighbourCodec.dump(Rt.AF_UNSPEC), "list neighbours", NeighbourCodec::decodeNeighbour);
    }

    public List<Neighbour> list(int linkIndex) {
        return list().stream().filter(n -> n.linkIndex() == linkIndex).toList();
    }
}
