package io.netmgr.core.controller;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.StoredJson;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The model's layout in the Store, one JSON document per object. Local-scope objects (and every
 * sandbox) live in the host's store:
 * <pre>
 * /netmgr/networks/ID            Network
 * /netmgr/endpoints/ID           Endpoint
 * /netmgr/sandboxes/ID           Sandbox
 * /netmgr/names/network/NAME     ID   (names are unique: created with ifAbsent)
 * /netmgr/names/sandbox/NAME     ID
 * /netmgr/names/endpoint/NETID/NAME   ID   (unique within a network)
 * /netmgr/attached/NETID/EPID    ""   (a network's endpoints, so delete can refuse cheaply;
 *                                     a service's id there holds the network for its virtual IP)
 * </pre>
 * Global-scope networks and the endpoints on them live in the cluster store, under
 * {@value ScopedStore#GLOBAL} (see {@link ScopedStore}), with the same layout except that an
 * endpoint is filed under the host it lives on and the attachment index says which host that is:
 * <pre>
 * /netmgr/global/networks/ID                       Network
 * /netmgr/global/names/network/NAME                ID   (unique in the cluster, and apart from local names)
 * /netmgr/global/hosts/HOST/endpoints/ID           Endpoint
 * /netmgr/global/names/endpoint/NETID/NAME         ID   (unique within the network, on every host)
 * /netmgr/global/attached/NETID/EPID               HOST
 * /netmgr/global/peers/NETID/EPID                  Peer (while joined: see {@link PeerTable})
 * </pre>
 * Services keep their own keys beside these ({@link io.netmgr.core.service.ServiceStore}).
 */
final class StateStore {
    static final String NETWORKS = "/netmgr/networks/";
    static final String ENDPOINTS = "/netmgr/endpoints/";
    static final String SANDBOXES = "/netmgr/sandboxes/";
    static final String GLOBAL_NETWORKS = ScopedStore.GLOBAL + "networks/";

    private final Store store;
    private final Optional<ClusterMember> member;
    private final Predicate<String> globalDriver;
    private final Map<String, Boolean> globalNetworks = new ConcurrentHashMap<>(); // id -> global: scope never changes
    // id -> record of the global networks this host's endpoints are on: a stored network never changes and
    // cannot go while it has endpoints, so it is read from the cluster store once, not at every join
    private final Map<String, Network> holdingNetworks = new ConcurrentHashMap<>();

    /** The layout on one host's store alone: everything is local. */
    StateStore(Store store) {
        this(store, Optional.empty(), driver -> false);
    }

    /**
     * The layout on {@code store} (a {@link ScopedStore} when {@code member} is present), where
     * networks of drivers {@code globalDriver} accepts are global.
     */
    StateStore(Store store, Optional<ClusterMember> member, Predicate<String> globalDriver) {
        this.store = store;
        this.member = member;
        this.globalDriver = globalDriver;
    }

    Store store() {
        return store;
    }

    Optional<ClusterMember> member() {
        return member;
    }

    /** Whether this host shares a cluster store, where global networks can live. */
    boolean clustered() {
        return member.isPresent();
    }

    boolean isGlobal(Network n) {
        return clustered() && globalDriver.test(n.driver());
    }

    /** Whether the network with id {@code networkId} is a global one: a read the first time, remembered after. */
    boolean isGlobalNetwork(String networkId) {
        if (!clustered()) {
            return false;
        }
        Boolean known = globalNetworks.get(networkId);
        if (known != null) {
            return known;
        }
        boolean global = store.get(GLOBAL_NETWORKS + networkId).isPresent();
        if (global || store.get(NETWORKS + networkId).isPresent()) {
            globalNetworks.put(networkId, global);
        }
        return global;
    }

    private String root(boolean global) {
        return global ? ScopedStore.GLOBAL : "/netmgr/";
    }

    // ---- keys

    String networkNameKey(Network n) {
        return root(isGlobal(n)) + "names/network/" + n.name();
    }

    static String sandboxName(String name) {
        return "/netmgr/names/sandbox/" + name;
    }

    String endpointNameKey(String networkId, String name) {
        return root(isGlobalNetwork(networkId)) + "names/endpoint/" + networkId + "/" + name;
    }

    String attached(String networkId) {
        return root(isGlobalNetwork(networkId)) + "attached/" + networkId + "/";
    }

    String keyOf(Network n) {
        return (isGlobal(n) ? GLOBAL_NETWORKS : NETWORKS) + n.id();
    }

    String keyOf(Endpoint e) {
        return endpointPrefix(isGlobalNetwork(e.networkId())) + e.id();
    }

    private String endpointPrefix(boolean global) {
        return global ? HostRegistry.recordsOf(member.orElseThrow().hostId()) + "endpoints/" : ENDPOINTS;
    }

    static String keyOf(Sandbox s) {
        return SANDBOXES + s.id();
    }

    static String peerKey(String networkId, String endpointId) {
        return PeerTable.PEERS + networkId + "/" + endpointId;
    }

    // ---- reads

    /** The id of the network named {@code name}, local or global. */
    Optional<String> networkIdByName(String name) {
        return idByName("/netmgr/names/network/" + name).or(() -> clustered()
                ? idByName(ScopedStore.GLOBAL + "names/network/" + name) : Optional.empty());
    }

    Optional<String> idByName(String nameKey) {
        return store.get(nameKey).map(KeyValue::valueAsString);
    }

    Optional<String> endpointIdByName(String networkId, String name) {
        return idByName(endpointNameKey(networkId, name));
    }

    Optional<Network> network(String id) {
        Optional<Network> local = get(NETWORKS, id, Network.class);
        return local.isPresent() || !clustered() ? local : get(GLOBAL_NETWORKS, id, Network.class);
    }

    /**
     * The network of {@code e}, an endpoint this host stores: a global one read once (see
     * {@link #holdingNetworks}); a local one, a read of the host's own store, each time.
     */
    Optional<Network> networkHolding(Endpoint e) {
        Network known = holdingNetworks.get(e.networkId());
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Network> n = network(e.networkId());
        n.filter(this::isGlobal).ifPresent(g -> holdingNetworks.put(g.id(), g));
        return n;
    }

    /** Every network, local and global (those whose id starts with {@code idPrefix}). */
    List<Network> networks(String idPrefix) {
        List<Network> all = new ArrayList<>(list(NETWORKS + idPrefix, Network.class));
        if (clustered()) {
            all.addAll(list(GLOBAL_NETWORKS + idPrefix, Network.class));
        }
        return all;
    }

    /** This host's endpoint {@code id}, on a local or a global network. */
    Optional<Endpoint> endpoint(String id) {
        Optional<Endpoint> local = get(ENDPOINTS, id, Endpoint.class);
        return local.isPresent() || !clustered() ? local : get(endpointPrefix(true), id, Endpoint.class);
    }

    /** This host's endpoints: those on local networks and its own on global ones. */
    List<Endpoint> endpoints() {
        List<Endpoint> all = new ArrayList<>(list(ENDPOINTS, Endpoint.class));
        if (clustered()) {
            all.addAll(list(endpointPrefix(true), Endpoint.class));
        }
        return all;
    }

    <T> Optional<T> get(String prefix, String id, Class<T> type) {
        return store.get(prefix + id).map(kv -> decode(kv, type));
    }

    <T> List<T> list(String prefix, Class<T> type) {
        return store.range(prefix).stream().map(kv -> decode(kv, type)).toList();
    }

    /** The hosts with endpoints on network {@code networkId} (this one alone for a local network), sorted. */
    List<String> hostsWithEndpoints(String networkId) {
        List<KeyValue> attachments = store.range(attached(networkId));
        if (!isGlobalNetwork(networkId)) {
            return attachments.isEmpty() ? List.of() : List.of("this host");
        }
        return attachments.stream().map(KeyValue::valueAsString).distinct().sorted().toList();
    }

    /** The ids of this host's endpoints on network {@code networkId}, from its attachment index. */
    List<String> attachedEndpointIds(String networkId) {
        String prefix = attached(networkId);
        Stream<KeyValue> mine = store.range(prefix).stream();
        if (isGlobalNetwork(networkId)) {
            String host = member.orElseThrow().hostId();
            mine = mine.filter(kv -> kv.valueAsString().equals(host));
        }
        return mine.map(kv -> kv.key().substring(prefix.length())).toList();
    }

    // ---- writes

    Txn txn() {
        return store.txn();
    }

    /** {@code txn}, also storing new network {@code n} under its name; its condition fails when the name is taken. */
    Txn create(Txn txn, Network n) {
        String name = networkNameKey(n);
        if (isGlobal(n)) {
            globalNetworks.put(n.id(), true);
        }
        return txn.ifAbsent(name).put(name, text(n.id())).put(keyOf(n), encode(n));
    }

    /**
     * {@code txn}, also storing new endpoint {@code e} under its name in its network, and in the
     * network's index. On a global network the name and the index entry are held under the host's
     * lease (the endpoint record itself is the host's own memory and stays): when the host dies,
     * the name is free again and {@code network rm} no longer waits for it.
     */
    Txn create(Txn txn, Endpoint e) {
        String name = endpointNameKey(e.networkId(), e.name());
        return save(claim(txn.ifAbsent(name), e), e);
    }

    /** {@code txn}, also putting {@code e}'s name and index entry (under the host's lease on a global network). */
    Txn claim(Txn txn, Endpoint e) {
        String name = endpointNameKey(e.networkId(), e.name());
        String index = attached(e.networkId()) + e.id();
        if (!isGlobalNetwork(e.networkId())) {
            return txn.put(name, text(e.id())).put(index, new byte[0]);
        }
        byte[] where = text(member.orElseThrow().hostId());
        return txn.put(name, text(e.id()), hostLease()).put(index, where, hostLease());
    }

    /** The lease this host's claims on global networks live under, if it has one; empty on a local network. */
    Optional<Lease> leaseFor(String networkId) {
        return isGlobalNetwork(networkId) ? hostLease() : Optional.empty();
    }

    /** The lease this host's claims on global networks live under now, if it is in a cluster. */
    Optional<Lease> hostLease() {
        return member.flatMap(m -> m.lease().get());
    }

    /** {@code txn}, also storing new sandbox {@code s} under its name; its condition fails when the name is taken. */
    static Txn create(Txn txn, Sandbox s) {
        return txn.ifAbsent(sandboxName(s.name())).put(sandboxName(s.name()), text(s.id())).put(keyOf(s), encode(s));
    }

    /** {@code txn}, also forgetting network {@code n} and its name. */
    Txn forget(Txn txn, Network n) {
        holdingNetworks.remove(n.id()); // gone once this commits, and then no endpoint is on it
        return txn.delete(keyOf(n)).delete(networkNameKey(n));
    }

    /** {@code txn}, also forgetting endpoint {@code e}, its name, its place in the network's index and its peer entry. */
    Txn forget(Txn txn, Endpoint e) {
        txn.delete(keyOf(e)).delete(attached(e.networkId()) + e.id()).delete(endpointNameKey(e.networkId(), e.name()));
        return isGlobalNetwork(e.networkId()) ? txn.delete(peerKey(e.networkId(), e.id())) : txn;
    }

    /**
     * {@code txn}, also storing {@code e} as it is now: joined, with its peer entry on a global
     * network, so the other hosts learn of it in the same transaction; left, without it.
     */
    Txn save(Txn txn, Endpoint e) {
        txn.put(keyOf(e), encode(e));
        if (!isGlobalNetwork(e.networkId())) {
            return txn;
        }
        String peer = peerKey(e.networkId(), e.id());
        if (e.sandboxId() == null) {
            return txn.delete(peer);
        }
        byte[] entry = encode(new Peer(e.networkId(), e.id(), member.orElseThrow().advertiseAddress(), e.addresses(), e.mac()));
        // under the host's lease: if the host dies, its entries vanish from every other host's data plane
        return txn.put(peer, entry, hostLease());
    }

    /** {@code txn}, also forgetting sandbox {@code s} and its name. */
    static Txn forget(Txn txn, Sandbox s) {
        return txn.delete(keyOf(s)).delete(sandboxName(s.name()));
    }

    static byte[] encode(Object value) {
        return StoredJson.encode(value);
    }

    static byte[] text(String s) {
        return StoredJson.text(s);
    }

    static <T> T decode(KeyValue kv, Class<T> type) {
        return StoredJson.decode(kv, type);
    }
}
