package io.netmgr.overlay;

import io.netmgr.core.driver.Peer;
import io.netmgr.netlink.NetlinkException;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.sys.Errno;
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

    void addAll(List<Peer> peers) {
        peers.forEach(this::add);
    }

    void add(Peer peer) {
        MacAddress mac = MacAddress.parse(peer.mac());
        netlink.fdb().add(FdbEntry.vxlan(vxlan, mac, IpAddress.parse(peer.host()).toInetAddress()));
        for (IpNet ip : peer.addresses()) {
            netlink.neighbours().set(Neighbour.permanent(vxlan, ip.address().toInetAddress(), mac));
        }
    }

    /** Removes the peer's entries; one already gone is no error. */
    void remove(Peer peer) {
        MacAddress mac = MacAddress.parse(peer.mac());
        for (IpNet ip : peer.addresses()) {
            ignoringAbsent(() -> netlink.neighbours().delete(Neighbour.permanent(vxlan, ip.address().toInetAddress(), mac)));
        }
        ignoringAbsent(() -> netlink.fdb().delete(FdbEntry.vxlan(vxlan, mac, IpAddress.parse(peer.host()).toInetAddress())));
    }

    private static void ignoringAbsent(Runnable delete) {
        try {
            delete.run();
        } catch (NetlinkException e) {
            if (e.errno() != Errno.ENOENT) {
                throw e;
            }
        }
    }
}
