package io.netmgr.core.controller;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceBackend;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.ScopedStore;
import java.util.Optional;

/**
 * The model as the store holds it, for readers that follow it through a watch instead of asking
 * the controller (the containers' resolver keeps its name index this way): which key is which
 * kind of object, and the object it holds. The layout itself is {@link StateStore}'s and
 * {@link ServiceStore}'s.
 */
public final class StoredModel {
    /**
     * Every model key of a host's store starts with this: watch it to see networks, endpoints,
     * sandboxes and services change; in a cluster, also {@value ScopedStore#GLOBAL} in the cluster store.
     */
    public static final String ROOT = "/netmgr/";

    /** The kinds of object a reader of the model follows. */
    public enum Kind { NETWORK, ENDPOINT, SANDBOX, SERVICE, SERVICE_BACKEND }

    private StoredModel() {
    }

    /**
     * The kind of object stored under {@code key}, or nothing for an index or name key. Keys of the
     * cluster store ({@value ScopedStore#GLOBAL}...) count as their local twins: a global network,
     * an endpoint on one (filed under its host), a global service and its backends.
     */
    public static Optional<Kind> kindOf(String key) {
        key = localForm(key);
        if (key.startsWith(StateStore.NETWORKS)) {
            return Optional.of(Kind.NETWORK);
        } else if (key.startsWith(StateStore.ENDPOINTS)) {
            return Optional.of(Kind.ENDPOINT);
        } else if (key.startsWith(StateStore.SANDBOXES)) {
            return Optional.of(Kind.SANDBOX);
        } else if (key.startsWith(ServiceStore.SERVICES)) {
            return Optional.of(Kind.SERVICE);
        } else if (key.startsWith(ServiceStore.BACKENDS)) {
            return Optional.of(Kind.SERVICE_BACKEND);
        }
        return Optional.empty();
    }

    /** What names the object under {@code key} among its kind: its id (a backend's: service id/endpoint id). */
    public static String idOf(String key) {
        key = localForm(key);
        if (key.startsWith(ServiceStore.BACKENDS)) {
            return key.substring(ServiceStore.BACKENDS.length());
        }
        return key.substring(key.lastIndexOf('/') + 1);
    }

    // /netmgr/global/networks/ID -> /netmgr/networks/ID; /netmgr/global/hosts/HOST/endpoints/ID -> /netmgr/endpoints/ID
    private static String localForm(String key) {
        if (!ScopedStore.isClusterKey(key)) {
            return key;
        }
        String rest = key.substring(ScopedStore.GLOBAL.length());
        if (rest.startsWith(HOSTS)) {
            int afterHost = rest.indexOf('/', HOSTS.length());
            rest = afterHost < 0 ? rest : rest.substring(afterHost + 1);
        }
        return ROOT + rest;
    }

    private static final String HOSTS = "hosts/";

    public static Network network(KeyValue kv) {
        return StateStore.decode(kv, Network.class);
    }

    public static Endpoint endpoint(KeyValue kv) {
        return StateStore.decode(kv, Endpoint.class);
    }

    public static Sandbox sandbox(KeyValue kv) {
        return StateStore.decode(kv, Sandbox.class);
    }

    public static Service service(KeyValue kv) {
        return StateStore.decode(kv, Service.class);
    }

    public static ServiceBackend serviceBackend(KeyValue kv) {
        return StateStore.decode(kv, ServiceBackend.class);
    }
}
