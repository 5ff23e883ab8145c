package io.netmgr.dns;

import io.netmgr.core.controller.StoredModel;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.NameResolution;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.service.EndpointMode;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceBackend;
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
 * The networks, endpoints, sandboxes and services of the store, as its watch reports them, and the
 * {@link NameTable} they make. Applying a change twice leaves the same state, so a watch may
 * replay changes a first read already saw. Not thread-safe: one thread applies, then builds.
 */
final class ModelMirror {
    private final Map<String, Network> networks = new HashMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Sandbox> sandboxes = new HashMap<>();
    private final Map<String, Service> services = new LinkedHashMap<>();
    private final Map<String, ServiceBackend> backends = new LinkedHashMap<>();

    /** Takes in one stored object (a first read). */
    void put(KeyValue kv) {
        StoredModel.kindOf(kv.key()).ifPresent(kind -> {
            String id = StoredModel.idOf(kv.key());
            switch (kind) {
                case NETWORK -> networks.put(id, StoredModel.network(kv));
                case ENDPOINT -> endpoints.put(id, StoredModel.endpoint(kv));
                case SANDBOX -> sandboxes.put(id, StoredModel.sandbox(kv));
                case SERVICE -> services.put(id, StoredModel.service(kv));
                case SERVICE_BACKEND -> backends.put(id, StoredModel.serviceBackend(kv));
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
                case SERVICE -> services.remove(id);
                case SERVICE_BACKEND -> backends.remove(id);
            }
        }
        return true;
    }

    /**
     * The names as they stand: each joined endpoint on a user-defined network gives its sandbox's
     * name and its aliases its addresses on that network (Docker's rule: the default, host and
     * none networks have no name resolution). On each of a service's networks, swarm's names:
     * NAME is its virtual IP there (every backend's address in dnsrr mode) and tasks.NAME every
     * backend's address there; these win over a sandbox name or alias that is the same.
     */
    NameTable table() {
        Map<String, Map<String, List<InetAddress>>> names = new HashMap<>();
        Map<String, Set<String>> scopes = new HashMap<>();
        Map<String, ServedSandbox> served = new HashMap<>();
        for (Endpoint e : endpoints.values()) {
            Network network = networks.get(e.networkId());
            if (network == null || e.sandbox().isEmpty() || !NameResolution.servedOn(network)) {
                continue;
            }
            Sandbox sandbox = sandboxes.get(e.sandbox().get());
            String name;
            if (sandbox != null) {
                scopes.computeIfAbsent(sandbox.id(), id -> new HashSet<>()).add(network.id());
                served.putIfAbsent(sandbox.id(), new ServedSandbox(sandbox.id(), sandbox.name(), Path.of(sandbox.namespacePath()),
                        sandbox.owned()));
                name = sandbox.name();
            } else if (Network.GLOBAL.equals(network.scope())) {
                // a container of another host: its sandbox is in that host's store and its own
                // resolver serves it, but its endpoint is in the cluster's, named after the sandbox
                // (as `network connect`, Docker's connect and tasks name it), so its name and
                // aliases resolve on every host, as on a swarm overlay
                name = e.name();
            } else {
                continue;
            }
            Map<String, List<InetAddress>> onNetwork = names.computeIfAbsent(network.id(), id -> new HashMap<>());
            List<InetAddress> addresses = e.ips().stream().map(ip -> ip.toInetAddress()).toList();
            add(onNetwork, name, addresses);
            for (String alias : e.aliases()) {
                add(onNetwork, alias, addresses);
            }
        }
        Map<String, List<ServiceBackend>> backendsOf = new HashMap<>();
        backends.values().forEach(b -> backendsOf.computeIfAbsent(b.serviceId(), id -> new ArrayList<>()).add(b));
        for (Service s : services.values()) {
            List<ServiceBackend> its = backendsOf.getOrDefault(s.id(), List.of());
            for (String networkId : s.networkIds()) {
                Network network = networks.get(networkId);
                if (network == null || !NameResolution.servedOn(network)) {
                    continue;
                }
                Map<String, List<InetAddress>> onNetwork = names.computeIfAbsent(networkId, id -> new HashMap<>());
                List<InetAddress> tasks = its.stream().filter(b -> b.networkId().equals(networkId))
                        .map(b -> b.address().address().toInetAddress()).toList();
                // a service's names win over a sandbox or alias of the same name: swarm's tasks are
                // named NAME.1, NAME.2..., so NAME meaning the service is what its users expect
                onNetwork.put(NameTable.normalize("tasks." + s.name()), tasks);
                onNetwork.put(NameTable.normalize(s.name()), s.endpointMode() == EndpointMode.DNSRR ? tasks
                        : s.vipOn(networkId).map(v -> List.of(v.address().address().toInetAddress())).orElse(List.of()));
            }
        }
        return new NameTable(names, scopes, served);
    }

    private static void add(Map<String, List<InetAddress>> names, String name, List<InetAddress> addresses) {
        names.computeIfAbsent(NameTable.normalize(name), k -> new ArrayList<>()).addAll(addresses);
    }
}
