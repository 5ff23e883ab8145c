package io.netmgr.overlay;

import io.netmgr.core.driver.Peer;
import io.netmgr.netlink.NetlinkBatch;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.rt.Fdb;
import io.netmgr.netlink.rt.Neighbours;
import java.util.List;
import java.util.Optional;

/**
 * The static entries one remote endpoint needs on a host's VXLAN device (flannel's and Docker's
 * way): an FDB entry of the device itself sending its MAC to the remote host's VTEP, and a
 * permanent neighbour entry per address, from which the device (proxy on) answers ARP and
 * neighbour solicitations itself, so no broadcast crosses the underlay.
 */
final class PeerEntries {
    private final NetlinkHandle netlink;
    private final int vxlan;

    private PeerEntries(NetlinkHandle netlink, int vxlan) {
        this.netlink = netlink;
        this.vxlan = vxlan;
    }

    /** The entries of VXLAN device {@code vxlanName}, or empty when this host has not joined the network. */
    static Optional<PeerEntries> of(NetlinkHandle netlink, String vxlanName) {
        return netlink.links().find(vxlanName).map(l -> new PeerEntries(netlink, l.attrs().index()));
    }

    /**
     * Programs every peer's entries in batches (several netlink requests to a send, see
     * {@link NetlinkBatch}): at start and resync the whole peer table arrives at once.
     */
    void addAll(List<Peer> peers) {
        NetlinkBatch batch = new NetlinkBatch();
        for (Peer peer : peers) {
            MacAddress mac = MacAddress.parse(peer.mac());
            Fdb.add(batch, FdbEntry.vxlan(vxlan, mac, IpAddress.parse(peer.host()).toInetAddress()));
            for (IpNet ip : peer.addresses()) {
                Neighbours.set(batch, Neighbour.permanent(vxlan, ip.address().toInetAddress(), mac));
            }
        }
        netlink.execute(batch).throwIfFailed();
    }

    /** Removes the peers' entries; one already gone is no error. */
    void removeAll(List<Peer> peers) {
        NetlinkBatch batch = new NetlinkBatch();
        for (Peer peer : peers) {
            MacAddress mac = MacAddress.parse(peer.mac());
            for (IpNet ip : peer.addresses()) {
                Neighbours.deleteIfPresent(batch, Neighbour.permanent(vxlan, ip.address().toInetAddress(), mac));
            }
            Fdb.deleteIfPresent(batch, FdbEntry.vxlan(vxlan, mac, IpAddress.parse(peer.host()).toInetAddress()));
        }
        netlink.execute(batch).throwIfFailed();
    }
}
