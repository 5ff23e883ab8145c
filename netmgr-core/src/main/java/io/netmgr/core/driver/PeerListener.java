package io.netmgr.core.driver;

/**
 * How a global-scope driver learns about endpoints on other hosts (libnetwork's
 * DiscoverNew/DiscoverDelete and EventNotify on the endpoint table): an overlay programs its
 * forwarding and neighbour entries from these. Called on the thread that reads the cluster
 * store's changes, in the store's order: one event at a time, or, when many arrive together (a
 * resync, a burst of changes), as one {@link #peersChanged} call.
 */
public interface PeerListener {

    /**
     * This host's underlay address, where the other hosts reach its endpoints (a VXLAN's local
     * end): told once, before the first peer. Nothing by default.
     */
    default void advertiseAddress(HostContext host, String address) {
    }

    /** {@code peer} joined a network this host has (or changed: the newest record wins). */
    void peerJoined(HostContext host, Peer peer);

    /** {@code peer} left, or its host went away. */
    void peerLeft(HostContext host, Peer peer);

    /**
     * Many peers changed at once: {@code left} went (each as {@link #peerLeft} takes it), then
     * {@code joined} joined or changed. A peer that joined and left within the same changes is in
     * neither. By default one call per peer; a driver that can program many entries at once (in
     * one netlink batch) does better.
     */
    default void peersChanged(HostContext host, java.util.List<Peer> left, java.util.List<Peer> joined) {
        left.forEach(peer -> peerLeft(host, peer));
        joined.forEach(peer -> peerJoined(host, peer));
    }
}
