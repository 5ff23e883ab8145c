package io.netmgr.core.controller;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceBackend;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.store.KeyValue;
import java.util.Optional;

/**
 * The model as the store holds it, for readers that follow it through a watch instead of asking
 * the controller (the containers' resolver keeps its name index this way): which key is which
 * kind of object, and the object it holds. The layout itself is {@link StateStore}'s and
 * {@link ServiceStore}'s.
 */
public final class StoredModel {
    /** Every model key starts with this: watch it to see networks, endpoints, sandboxes and services change. */
    public static final String ROOT = "/netmgr/";

    /** The kinds of object a reader of the model follows. */
    public enum Kind { NETWORK, ENDPOINT, SANDBOX, SERVICE, SERVICE_BACKEND }

    private StoredModel() {
    }

    /** The kind of object stored under {@code key}, or nothing for an index or name key. */
    public static Optional<Kind> kindOf(String key) {
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
        if (key.startsWith(ServiceStore.BACKENDS)) {
            return key.substring(ServiceStore.BACKENDS.length());
        }
        return key.substring(key.lastIndexOf('/') + 1);
    }

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
