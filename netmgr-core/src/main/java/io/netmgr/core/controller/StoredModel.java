package io.netmgr.core.controller;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.KeyValue;
import java.util.Optional;

/**
 * The model as the store holds it, for readers that follow it through a watch instead of asking
 * the controller (the containers' resolver keeps its name index this way): which key is which
 * kind of object, and the object it holds. The layout itself is {@link StateStore}'s.
 */
public final class StoredModel {
    /** Every model key starts with this: watch it to see networks, endpoints and sandboxes change. */
    public static final String ROOT = "/netmgr/";

    /** The kinds of object a reader of the model follows. */
    public enum Kind { NETWORK, ENDPOINT, SANDBOX }

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
        }
        return Optional.empty();
    }

    /** The id of the object under {@code key}: its last segment. */
    public static String idOf(String key) {
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
}
