package io.netmgr.dns;

import io.netmgr.core.controller.StoredModel;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.WatchEvent;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The networks, endpoints and sandboxes of the store, as its watch reports them, and the
 * {@link NameTable} they make. Applying a change twice leaves the same state, so a watch may
 * replay changes a first read already saw. Not thread-safe: one thread applies, then builds.
 */
final class ModelMirror {
    private final Map<String, Network> networks = new HashMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Sandbox> sandboxes = new HashMap<>();

    /** Takes in one stored object (a first read). */
    void put(KeyValue kv) {
        StoredModel.kindOf(kv.key()).ifPresent(kind -> {
            String id = StoredModel.idOf(kv.key());
            switch (kind) {
                case NETWORK -> networks.put(id, StoredModel.network(kv));
                case ENDPOINT -> endpoints.put(id, StoredModel.endpoint(kv));
                case SANDBOX -> sandboxes.put(id, StoredModel.sandbox(kv));
            }
        });
    }

    /** Takes in one change; true when it may change names or served sandboxes. */
    boolean apply(WatchEvent event) {
        if (StoredModel.kindOf(event.kv().key()).isEmpty()) {
            return false;
        }
        if (event.type() == WatchEvent.Type.PUT) {
            put(event.kv());
        } else {
            String id = StoredModel.idOf(event.kv().key());
            switch (StoredModel.kindOf(event.kv().key()).get()) {
                case NETWORK -> networks.remove(id);
                case ENDPOINT -> endpoints.remove(id);
                case SANDBOX -> sandboxes.remove(id);
            }
        }
        return true;
    }

    /**
     * The names as they stand: each joined endpoint on a user-defined network gives its sandbox's
     * name and its aliases its addresses on that network (Docker's rule: the default, host and
     * none networks have no name resolution).
     */
    NameTable table() {
        Map<String, Map<String, List<InetAddress>>> names = new HashMap<>();
        Map<String, Set<String>> scopes = new HashMap<>();
        Map<String, ServedSandbox> served = new HashMap<>();
        for (Endpoint e : endpoints.values()) {
            Network network = networks.get(e.networkId());
            Sandbox sandbox = e.sandbox().map(sandboxes::get).orElse(null);
            if (network == null || sandbox == null || !userDefined(network)) {
                continue;
            }
            scopes.computeIfAbsent(sandbox.id(), id -> new HashSet<>()).add(network.id());
            served.putIfAbsent(sandbox.id(), new ServedSandbox(sandbox.id(), sandbox.name(), Path.of(sandbox.namespacePath()),
                    sandbox.owned()));
            Map<String, List<InetAddress>> onNetwork = names.computeIfAbsent(network.id(), id -> new HashMap<>());
            List<InetAddress> addresses = e.ips().stream().map(ip -> ip.toInetAddress()).toList();
            add(onNetwork, sandbox.name(), addresses);
            for (String alias : e.aliases()) {
                add(onNetwork, alias, addresses);
            }
        }
        return new NameTable(names, scopes, served);
    }

    static boolean userDefined(Network n) {
        return !n.predefined() && !n.driver().equals("host") && !n.driver().equals("none");
    }

    private static void add(Map<String, List<InetAddress>> names, String name, List<InetAddress> addresses) {
        names.computeIfAbsent(NameTable.normalize(name), k -> new ArrayList<>()).addAll(addresses);
    }
}
