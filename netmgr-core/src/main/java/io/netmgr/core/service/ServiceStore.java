package io.netmgr.core.service;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoredJson;
import io.netmgr.core.store.Txn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Services' layout in the Store, beside the networks' (one JSON document per object). A service
 * lives where its networks live, as libnetwork's local and global stores: on local networks in
 * the host's store under {@code /netmgr/}, on global (overlay) networks in the cluster store under
 * {@value ScopedStore#GLOBAL}, so every host lists it:
 * <pre>
 * ROOT/services/ID                    Service
 * ROOT/names/service/NAME             ID   (names are unique: created with ifAbsent; a global name
 *                                          is unique in the cluster, a local one on its host)
 * ROOT/service-backends/SVCID/EPID    ServiceBackend   (one key per backend; global: under the
 *                                          lease of the backend's host, so a dead host's go with it)
 * ROOT/backend-of/EPID/SVCID          ""   (an endpoint's services, so its removal finds them; leased too)
 * ROOT/attached/NETID/SVCID           "service NAME"  (the network is in use while the service has a VIP on it)
 * </pre>
 * So adding or removing a backend writes two keys, whatever the number of services or backends.
 * A service's scope is that of its networks (all local or all global: {@link ServiceController}
 * refuses a mix), so each of its transactions commits in one store.
 */
public final class ServiceStore {
    public static final String SERVICES = "/netmgr/services/";
    public static final String BACKENDS = "/netmgr/service-backends/";
    /** Where global services' records live: every host watches this prefix to program their rules. */
    public static final String GLOBAL_SERVICES = ScopedStore.GLOBAL + "services/";
    public static final String GLOBAL_BACKENDS = ScopedStore.GLOBAL + "service-backends/";
    static final String BACKEND_OF = "/netmgr/backend-of/";
    private static final String LOCAL = "/netmgr/";

    private final Store store;
    private final Predicate<String> globalNetwork;
    private final boolean clustered;

    /** Services on one host's store alone: every service is local. */
    public ServiceStore(Store store) {
        this(store, networkId -> false, false);
    }

    /**
     * Services on {@code store} (a {@link ScopedStore} when {@code clustered}), where networks
     * {@code globalNetwork} accepts (by id) are global.
     */
    public ServiceStore(Store store, Predicate<String> globalNetwork, boolean clustered) {
        this.store = store;
        this.globalNetwork = globalNetwork;
        this.clustered = clustered;
    }

    public Store store() {
        return store;
    }

    /** Whether the network with id {@code networkId} is global: services on it live in the cluster store. */
    public boolean isGlobalNetwork(String networkId) {
        return clustered && globalNetwork.test(networkId);
    }

    /** Whether {@code s} lives in the cluster store: its networks are global. */
    public boolean isGlobal(Service s) {
        return clustered && s.networkIds().stream().anyMatch(globalNetwork);
    }

    private String root(Service s) {
        return isGlobal(s) ? ScopedStore.GLOBAL : LOCAL;
    }

    private List<String> roots() {
        return clustered ? List.of(LOCAL, ScopedStore.GLOBAL) : List.of(LOCAL);
    }

    /** The key of service {@code s}'s record, for a transaction that must find it still there. */
    public String keyOf(Service s) {
        return root(s) + "services/" + s.id();
    }

    public List<Service> services() {
        List<Service> all = new ArrayList<>();
        roots().forEach(root -> all.addAll(decodeAll(store.range(root + "services/"))));
        return all;
    }

    /** The services of the cluster store alone (none on one host). */
    public List<Service> globalServices() {
        return clustered ? decodeAll(store.range(GLOBAL_SERVICES)) : List.of();
    }

    public Optional<Service> byId(String id) {
        for (String root : roots()) {
            Optional<Service> found = store.get(root + "services/" + id).map(kv -> StoredJson.decode(kv, Service.class));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    public Optional<Service> byName(String name) {
        for (String root : roots()) {
            Optional<Service> found = store.get(root + "names/service/" + name).map(KeyValue::valueAsString)
                    .flatMap(id -> store.get(root + "services/" + id)).map(kv -> StoredJson.decode(kv, Service.class));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Services whose id starts with {@code prefix}. */
    public List<Service> byIdPrefix(String prefix) {
        List<Service> all = new ArrayList<>();
        roots().forEach(root -> all.addAll(decodeAll(store.range(root + "services/" + prefix))));
        return all;
    }

    /** The backends of service {@code s}, on every host. */
    public List<ServiceBackend> backends(Service s) {
        return store.range(root(s) + "service-backends/" + s.id() + "/").stream()
                .map(kv -> StoredJson.decode(kv, ServiceBackend.class)).toList();
    }

    /** Every service's backends, by service id: one read of each store's backends, not one per service. */
    public Map<String, List<ServiceBackend>> backendsByService() {
        Map<String, List<ServiceBackend>> all = new HashMap<>();
        for (String root : roots()) {
            store.range(root + "service-backends/").forEach(kv -> {
                ServiceBackend b = StoredJson.decode(kv, ServiceBackend.class);
                all.computeIfAbsent(b.serviceId(), id -> new ArrayList<>()).add(b);
            });
        }
        return all;
    }

    /** The backends of the service with id {@code serviceId}, wherever it lives (none when it is gone). */
    public List<ServiceBackend> backends(String serviceId) {
        return byId(serviceId).map(this::backends).orElse(List.of());
    }

    /** The ids of the services endpoint {@code endpointId} is a backend of. */
    public List<String> servicesOf(String endpointId) {
        List<String> ids = new ArrayList<>();
        for (String root : roots()) {
            String prefix = root + "backend-of/" + endpointId + "/";
            store.range(prefix).forEach(kv -> ids.add(kv.key().substring(prefix.length())));
        }
        return ids;
    }

    /** {@code txn}, also storing new service {@code s} under its name and holding its networks; fails when the name is taken. */
    Txn create(Txn txn, Service s) {
        String root = root(s);
        String name = root + "names/service/" + s.name();
        txn.ifAbsent(name).put(name, StoredJson.text(s.id())).put(keyOf(s), StoredJson.encode(s));
        s.networkIds().forEach(n -> txn.put(root + "attached/" + n + "/" + s.id(), StoredJson.text("service " + s.name())));
        return txn;
    }

    /** {@code txn}, also replacing stored service {@code s} (same id and name), which must still be there. */
    Txn update(Txn txn, Service s) {
        return txn.ifPresent(keyOf(s)).put(keyOf(s), StoredJson.encode(s));
    }

    /** {@code txn}, also forgetting service {@code s}, its name, its hold on its networks and its backends. */
    Txn forget(Txn txn, Service s, List<ServiceBackend> backends) {
        String root = root(s);
        txn.delete(keyOf(s)).delete(root + "names/service/" + s.name()).deletePrefix(root + "service-backends/" + s.id() + "/");
        s.networkIds().forEach(n -> txn.delete(root + "attached/" + n + "/" + s.id()));
        backends.forEach(b -> txn.delete(root + "backend-of/" + b.endpointId() + "/" + s.id()));
        return txn;
    }

    /** {@code txn}, also adding backend {@code b} of {@code s}; under {@code lease} when given (the backend's host's). */
    Txn addBackend(Txn txn, Service s, ServiceBackend b, Optional<Lease> lease) {
        String root = root(s);
        String key = root + "service-backends/" + b.serviceId() + "/" + b.endpointId();
        String index = root + "backend-of/" + b.endpointId() + "/" + b.serviceId();
        byte[] value = StoredJson.encode(b);
        return txn.put(key, value, lease).put(index, new byte[0], lease);
    }

    Txn removeBackend(Txn txn, Service s, ServiceBackend b) {
        String root = root(s);
        return txn.delete(root + "service-backends/" + b.serviceId() + "/" + b.endpointId())
                .delete(root + "backend-of/" + b.endpointId() + "/" + b.serviceId());
    }

    private static List<Service> decodeAll(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> StoredJson.decode(kv, Service.class)).toList();
    }
}
