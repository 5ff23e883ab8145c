package io.netmgr.core.controller;

import io.netmgr.core.cluster.HostInfo;
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
    /** Under the cluster's prefix, then the host's id: a host releases its own notes, and reads the others' to leave their names alone. */
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
     * Also those of the hosts {@code node rm} forgot (no membership record) whose notes its own
     * release left behind (it forgets the host first, then releases: a failure in between left
     * them under an id nobody can name any more). Returns one line per grant given back.
     */
    List<String> releaseLeftovers() {
        return release(hostId::equals, true);
    }

    /**
     * Gives back what the unfinished creations of host {@code owner} were granted, as {@link
     * #releaseLeftovers} does for this host: for a host {@code node rm} forgot, which will never
     * start again to do it. Nothing of that host is in flight: it is down, its membership gone.
     */
    List<String> releaseLeftoversOf(String owner) {
        return release(owner::equals, false);
    }

    /**
     * Releases what the notes of the hosts {@code named} accepts stand for, and those of forgotten
     * hosts when {@code alsoForgotten}, and deletes those notes.
     */
    private List<String> release(Predicate<String> named, boolean alsoForgotten) {
        if (scopes.clusterIpam().isEmpty()) {
            return List.of();
        }
        List<Note> seen = notes();
        if (seen.isEmpty() || !alsoForgotten && seen.stream().noneMatch(n -> named.test(n.host()))) {
            return List.of(); // the usual start: one read, no note
        }
        IpamDriver ipam = scopes.clusterIpam().get();
        // Pool owners are network names, and another host may be creating a network of the same
        // name right now, its pool granted and not yet stored. The reads go in this order: the
        // pools, then every host's notes, then the stored global networks. A pool among those read
        // was granted before, so its creator's note was written before (notes precede grants):
        // either that note is still among the notes read, and its name is left alone, or it was
        // deleted, which happens only in the transaction storing its network, so that network is
        // among those read after, and its pool is in use. A pool granted after the first read is
        // not among those released.
        // A host is forgotten when its membership is gone: read after the notes, since a host
        // registers before it writes any note, a note read is never of a host registering meanwhile.
        List<Pool> pools = ipam.pools();
        List<Note> notes = notes();
        Set<String> members = alsoForgotten ? scopes.clusterHosts().stream().map(HostInfo::hostId).collect(Collectors.toSet()) : Set.of();
        // a cluster whose hosts keep no membership (an embedder without the host registry) forgets no host
        boolean membership = members.contains(hostId);
        Predicate<String> whose = named.or(host -> alsoForgotten && membership && !members.contains(host));
        // global networks only: a local network's pool comes from this host's own IPAM, and
        // pool ids depend on the subnet alone, so a local bridge on the same subnet holds nothing here
        List<Network> global = state.list(StateStore.GLOBAL_NETWORKS, Network.class);
        Set<String> stored = global.stream().map(Network::id).collect(Collectors.toSet());
        Set<String> inUse = global.stream().flatMap(n -> n.pools().stream()).map(NetworkPool::poolId).collect(Collectors.toSet());
        Set<String> othersCreating = notes.stream().filter(n -> n.network() && !whose.test(n.host())).map(Note::value)
                .collect(Collectors.toSet());
        List<String> done = new ArrayList<>();
        for (Note note : notes) {
            if (!whose.test(note.host())) {
                continue;
            }
            if (note.network() && !stored.contains(note.id())) {
                if (othersCreating.contains(note.value())) {
                    continue; // its pools and theirs look alike: the note stays, a later start gives them back
                }
                for (Pool pool : pools) {
                    if (pool.owner().equals(note.value()) && !inUse.contains(pool.id())) {
                        ipam.releasePool(pool.id());
                        done.add("released pool " + pool.subnet() + " of network " + note.value() + ": its creation was cut short");
                    }
                }
            } else if (!note.network() && !serviceStored.test(note.id())) {
                done.addAll(releaseVips(ipam, pools, note.id()));
            }
            state.store().txn().delete(note.key()).commit();
        }
        return done;
    }

    private static List<String> releaseVips(IpamDriver ipam, List<Pool> pools, String service) {
        List<String> done = new ArrayList<>();
        for (Pool pool : pools) {
            for (Map.Entry<IpAddress, String> held : ipam.endpointAddresses(pool.id()).entrySet()) {
                if (held.getValue().equals(service)) {
                    ipam.releaseAddress(pool.id(), held.getKey(), service);
                    done.add("released " + held.getKey() + " of " + pool.subnet() + ", a VIP of service " + service
                            + ": its creation was cut short");
                }
            }
        }
        return done;
    }

    /** Every host's notes. */
    private List<Note> notes() {
        return state.store().range(ROOT).stream().map(Note::of).toList();
    }

    /**
     * A note as stored: {@code ROOT/HOST/networks/ID} holding the network's name, or
     * {@code ROOT/HOST/services/ID} holding the service's id.
     */
    private record Note(String key, String host, boolean network, String id, String value) {
        static Note of(KeyValue kv) {
            String[] parts = kv.key().substring(ROOT.length()).split("/", 3);
            return new Note(kv.key(), parts[0], parts[1].equals("networks"), parts[2], kv.valueAsString());
        }
    }
}
