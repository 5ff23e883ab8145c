package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkBatch;
import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.sys.Errno;
import java.util.List;

/** The bridge forwarding database in one namespace (what {@code bridge fdb} shows). */
public final class Fdb {
    private final NetlinkSocket socket;

    public Fdb(NetlinkSocket socket) {
        this.socket = socket;
    }

    public void add(FdbEntry e) {
        socket.execute(NeighbourCodec.add(e), "add fdb entry " + describe(e));
    }

    public void delete(FdbEntry e) {
        socket.execute(NeighbourCodec.delete(e), "delete fdb entry " + describe(e));
    }

    /** Adds (or replaces) {@code e} as part of {@code batch}. */
    public static NetlinkBatch add(NetlinkBatch batch, FdbEntry e) {
        return batch.add(NeighbourCodec.add(e), "add fdb entry " + describe(e));
    }

    /** Deletes {@code e} as part of {@code batch}; an entry already gone is no error. */
    public static NetlinkBatch deleteIfPresent(NetlinkBatch batch, FdbEntry e) {
        return batch.add(NeighbourCodec.delete(e), "delete fdb entry " + describe(e), Errno.ENOENT);
    }

    public List<FdbEntry> list() {
        return socket.query(NeighbourCodec.dump(Rt.AF_BRIDGE), "list fdb entries", NeighbourCodec::decodeFdb);
    }

    public List<FdbEntry> list(int linkIndex) {
        return list().stream().filter(e -> e.linkIndex() == linkIndex).toList();
    }

    private static String describe(FdbEntry e) {
        return e.mac() + " on link #" + e.linkIndex()
                + (e.destination() == null ? "" : " dst " + IpAddress.of(e.destination()));
    }
}
