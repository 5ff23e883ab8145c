package io.netmgr.core.controller;

import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What this host is granting in the cluster's IPAM for an object it has not stored yet (a
 * global network's pools, a service's VIPs on global networks), noted in the cluster store under
 * this host's id while the creation runs: durable before the grant (the host's own store would
 * hold the note back until the end of a call made {@link NetworkController#exclusively}), and
 * under no lease, so a host that restarts after its lease expired still finds its notes. The cluster's IPAM belongs to every host, so no reconciler may release
 * a grant no stored object owns (another host may be about to store its object); but a process
 * killed between the grant and the commit left it granted for good: a pool's subnet refused to
 * every host as overlapping a network that does not exist, a VIP keeping its network from
 * being removed. At the next start this host gives back the grants of its own unfinished
 * creations: nothing of its own is in flight then.
 * A stored object's creating transaction deletes its note ({@link GrantNote#within}).
 */
final class UnfinishedGrants {
    /** Under the cluster's prefix, then the host's id: only this host reads its notes. */
    static final String ROOT = ScopedStore.GLOBAL + "unfinished/";

    private final StateStore state;
    private final NetworkScopes scopes;
    private final Predicate<String> serviceStored;
    private final String hostId;

    UnfinishedGrants(StateStore state, NetworkScopes scopes, Predicate<String> serviceStored, String hostId) {
        this.state = state;
        this.scopes = scopes;
        this.serviceStored = serviceStored;
        this.hostId = hostId;
    }

    private static String networksOf(String hostId) {
        return ROOT + hostId + "/networks/";
    }

    private static String servicesOf(String hostId) {
        return ROOT + hostId + "/services/";
    }

    /** Notes that {@code network}'s pools are about to be granted, if it spans hosts. */
    GrantNote begin(Network network) {
        return state.isGlobal(network) ? note(networksOf(hostId) + network.id(), network.name()) : GrantNote.NONE;
    }

    /** Notes that service {@code serviceId}'s VIPs on global networks are about to be granted. */
    GrantNote beginService(String serviceId) {
        return note(servicesOf(hostId) + serviceId, serviceId);
    }

    private GrantNote note(String key, String value) {
        state.store().txn().put(key, StateStore.text(value)).commit();
        return new GrantNote(state.store(), key);
    }

    /**
     * Gives back what creations this host began and never finished were granted: the pools
     * owned by a network's name that no stored network uses, and the addresses a service holds.
     * Returns one line per grant given back.
     */
    List<String> releaseLeftovers() {
        return releaseLeftoversOf(hostId);
    }

    /**
     * Gives back what the unfinished creations of host {@code owner} were granted, as {@link
     * #releaseLeftovers} does for this host: for a host {@code node rm} forgot, which will never
     * start again to do it. Nothing of that host is in flight: it is down, its membership gone.
     */
    List<String> releaseLeftoversOf(String owner) {
        String networks = networksOf(owner);
        String services = servicesOf(owner);
        if (scopes.clusterIpam().isEmpty()) {
            return List.of();
        }
        List<KeyValue> networkNotes = state.store().range(networks);
        List<KeyValue> serviceNotes = state.store().range(services);
        List<String> done = new ArrayList<>();
        if (networkNotes.isEmpty() && serviceNotes.isEmpty()) {
            return done;
        }
        IpamDriver ipam = scopes.clusterIpam().get();
        if (!networkNotes.isEmpty()) {
            List<Network> all = state.networks("");
            Set<String> stored = all.stream().map(Network::id).collect(Collectors.toSet());
            Set<String> inUse = all.stream().flatMap(n -> n.pools().stream()).map(NetworkPool::poolId).collect(Collectors.toSet());
            for (KeyValue note : networkNotes) {
                String name = note.valueAsString();
                if (!stored.contains(note.key().substring(networks.length()))) {
                    for (Pool pool : ipam.pools()) {
                        if (pool.owner().equals(name) && !inUse.contains(pool.id())) {
                            ipam.releasePool(pool.id());
                            done.add("released pool " + pool.subnet() + " of network " + name + ": its creation was cut short");
                        }
                    }
                }
                state.store().txn().delete(note.key()).commit();
            }
        }
        for (KeyValue note : serviceNotes) {
            String service = note.key().substring(services.length());
            if (!serviceStored.test(service)) {
                for (Pool pool : ipam.pools()) {
                    for (Map.Entry<IpAddress, String> held : ipam.endpointAddresses(pool.id()).entrySet()) {
                        if (held.getValue().equals(service)) {
                            ipam.releaseAddress(pool.id(), held.getKey(), service);
                            done.add("released " + held.getKey() + " of " + pool.subnet() + ", a VIP of service " + service
                                    + ": its creation was cut short");
                        }
                    }
                }
            }
            state.store().txn().delete(note.key()).commit();
        }
        return done;
    }
}
