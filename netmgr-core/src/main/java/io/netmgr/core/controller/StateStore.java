package io.netmgr.core.controller;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoredJson;
import io.netmgr.core.store.Txn;
import java.util.List;
import java.util.Optional;

/**
 * The model's layout in the Store, one JSON document per object:
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
 * Services keep their own keys beside these ({@link io.netmgr.core.service.ServiceStore}).
 */
final class StateStore {
    static final String NETWORKS = "/netmgr/networks/";
    static final String ENDPOINTS = "/netmgr/endpoints/";
    static final String SANDBOXES = "/netmgr/sandboxes/";

    private final Store store;

    StateStore(Store store) {
        this.store = store;
    }

    Store store() {
        return store;
    }

    static String networkName(String name) {
        return "/netmgr/names/network/" + name;
    }

    static String sandboxName(String name) {
        return "/netmgr/names/sandbox/" + name;
    }

    static String endpointName(String networkId, String name) {
        return "/netmgr/names/endpoint/" + networkId + "/" + name;
    }

    static String attached(String networkId) {
        return "/netmgr/attached/" + networkId + "/";
    }

    Optional<String> idByName(String nameKey) {
        return store.get(nameKey).map(KeyValue::valueAsString);
    }

    <T> Optional<T> get(String prefix, String id, Class<T> type) {
        return store.get(prefix + id).map(kv -> decode(kv, type));
    }

    <T> List<T> list(String prefix, Class<T> type) {
        return store.range(prefix).stream().map(kv -> decode(kv, type)).toList();
    }

    boolean hasEndpoints(String networkId) {
        return !store.range(attached(networkId)).isEmpty();
    }

    /** The ids of the endpoints on network {@code networkId}, from its attachment index. */
    List<String> attachedEndpointIds(String networkId) {
        String prefix = attached(networkId);
        return store.range(prefix).stream().map(kv -> kv.key().substring(prefix.length())).toList();
    }

    Txn txn() {
        return store.txn();
    }

    /** {@code txn}, also storing new network {@code n} under its name; its condition fails when the name is taken. */
    static Txn create(Txn txn, Network n) {
        return txn.ifAbsent(networkName(n.name())).put(networkName(n.name()), text(n.id())).put(keyOf(n), encode(n));
    }

    /** {@code txn}, also storing new endpoint {@code e} under its name in its network, and in the network's index. */
    static Txn create(Txn txn, Endpoint e) {
        String name = endpointName(e.networkId(), e.name());
        return txn.ifAbsent(name).put(name, text(e.id())).put(attached(e.networkId()) + e.id(), new byte[0])
                .put(keyOf(e), encode(e));
    }

    /** {@code txn}, also storing new sandbox {@code s} under its name; its condition fails when the name is taken. */
    static Txn create(Txn txn, Sandbox s) {
        return txn.ifAbsent(sandboxName(s.name())).put(sandboxName(s.name()), text(s.id())).put(keyOf(s), encode(s));
    }

    /** {@code txn}, also forgetting network {@code n} and its name. */
    static Txn forget(Txn txn, Network n) {
        return txn.delete(keyOf(n)).delete(networkName(n.name()));
    }

    /** {@code txn}, also forgetting endpoint {@code e}, its name and its place in the network's index. */
    static Txn forget(Txn txn, Endpoint e) {
        return txn.delete(keyOf(e)).delete(attached(e.networkId()) + e.id()).delete(endpointName(e.networkId(), e.name()));
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

    static String keyOf(Network n) {
        return NETWORKS + n.id();
    }

    static String keyOf(Endpoint e) {
        return ENDPOINTS + e.id();
    }

    static String keyOf(Sandbox s) {
        return SANDBOXES + s.id();
    }
}
