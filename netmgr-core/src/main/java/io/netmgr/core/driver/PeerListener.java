package io.netmgr.core.driver;

/**
 * How a global-scope driver learns about endpoints on other hosts (libnetwork's
 * DiscoverNew/DiscoverDelete and EventNotify on the endpoint table): an overlay programs its
 * forwarding and neighbour entries from these. Called on the thread that reads the cluster
 * store's changes, one event at a time, in the store's order.
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
}
