package io.netmgr.core.controller;

import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Txn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster pools this host is granting to a global network it has not stored yet, noted in
 * the host's own store while the creation runs. The cluster's IPAM belongs to every host, so no
 * reconciler may release a pool no network uses (another host may be about to store the network
 * it granted it for); but a process killed between the grant and the network's commit left its
 * pools granted for good, and their subnets refused to every host as overlapping a network that
 * does not exist. At the next start this host gives back the pools of its own unfinished
 * creations: nothing of its own is in flight then.
 */
final class UnfinishedGrants {
    /** A local key (outside {@code /netmgr/global/}): only this host reads its notes. */
    static final String PREFIX = "/netmgr/unfinished-networks/";

    private final StateStore state;
    private final NetworkScopes scopes;

    UnfinishedGrants(StateStore state, NetworkScopes scopes) {
        this.state = state;
        this.scopes = scopes;
    }

    /**
     * Notes that {@code network}'s pools are about to be granted, if it spans hosts; returns what
     * forgets the note, for the creation's undo. A creation that succeeds leaves its note: forgetting
     * it after the network's commit would be a step that can fail after the point of no return. The
     * next creation (one at a time: the host lock is held) clears the notes of stored networks, and
     * so does the next start.
     */
    Runnable begin(Network network) {
        if (!state.isGlobal(network)) {
            return () -> { };
        }
        Txn txn = state.store().txn();
        for (KeyValue note : state.store().range(PREFIX)) {
            if (state.network(note.key().substring(PREFIX.length())).isPresent()) {
                txn.delete(note.key());
            }
        }
        txn.put(PREFIX + network.id(), StateStore.text(network.name())).commit();
        return () -> state.store().txn().delete(PREFIX + network.id()).commit();
    }

    /**
     * Gives back the cluster pools granted for a network whose creation this host began and never
     * finished: pools owned by its name that no stored network uses. Returns one line per pool.
     */
    List<String> releaseLeftovers() {
        List<KeyValue> notes = state.store().range(PREFIX);
        List<String> done = new ArrayList<>();
        if (notes.isEmpty() || scopes.clusterIpam().isEmpty()) {
            return done;
        }
        IpamDriver ipam = scopes.clusterIpam().get();
        List<Network> networks = state.networks("");
        Set<String> stored = networks.stream().map(Network::id).collect(Collectors.toSet());
        Set<String> inUse = networks.stream().flatMap(n -> n.pools().stream()).map(NetworkPool::poolId).collect(Collectors.toSet());
        for (KeyValue note : notes) {
            String id = note.key().substring(PREFIX.length());
            String name = note.valueAsString();
            if (!stored.contains(id)) {
                for (Pool pool : ipam.pools()) {
                    if (pool.owner().equals(name) && !inUse.contains(pool.id())) {
                        ipam.releasePool(pool.id());
                        done.add("released pool " + pool.subnet() + " of network " + name + ": its creation was cut short");
                    }
                }
            }
            state.store().txn().delete(note.key()).commit();
        }
        return done;
    }
}
