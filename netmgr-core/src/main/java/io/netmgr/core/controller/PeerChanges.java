package io.netmgr.core.controller;

import io.netmgr.core.driver.Peer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Peer changes that arrived together, kept per peer key with the last one winning: a peer that
 * joined and left within them costs nothing, one that changed twice is programmed once.
 */
final class PeerChanges {

    private record Change(boolean joined, Peer peer, boolean knownBefore) {
    }

    private final Map<String, Change> byKey = new LinkedHashMap<>();

    /** Peer {@code key} joined or changed; {@code knownBefore}: the listener had been told of it before these changes. */
    void joined(String key, Peer peer, boolean knownBefore) {
        record(key, new Change(true, peer, knownBefore));
    }

    /** Peer {@code key} left. */
    void left(String key, Peer peer, boolean knownBefore) {
        record(key, new Change(false, peer, knownBefore));
    }

    private void record(String key, Change change) {
        Change earlier = byKey.remove(key);
        boolean knownBefore = earlier == null ? change.knownBefore() : earlier.knownBefore();
        byKey.put(key, new Change(change.joined(), change.peer(), knownBefore));
    }

    /** The peers to remove: those that left and had been told of. */
    List<Peer> left() {
        return byKey.values().stream().filter(c -> !c.joined() && c.knownBefore()).map(Change::peer).toList();
    }

    List<Peer> joined() {
        return byKey.values().stream().filter(Change::joined).map(Change::peer).toList();
    }

    boolean isEmpty() {
        return byKey.isEmpty();
    }
}
