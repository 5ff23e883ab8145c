package io.netmgr.core.service;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoredJson;
import io.netmgr.core.store.Txn;
import java.util.List;
import java.util.Optional;

/**
 * Services' layout in the Store, beside the networks' (one JSON document per object):
 * <pre>
 * /netmgr/services/ID                    Service
 * /netmgr/names/service/NAME             ID   (names are unique: created with ifAbsent)
 * /netmgr/service-backends/SVCID/EPID    ServiceBackend   (one key per backend)
 * /netmgr/backend-of/EPID/SVCID          ""   (an endpoint's services, so its removal finds them)
 * /netmgr/attached/NETID/SVCID           ""   (the network is in use while the service has a VIP on it)
 * </pre>
 * So adding or removing a backend writes two keys, whatever the number of services or backends.
 */
public final class ServiceStore {
    public static final String SERVICES = "/netmgr/services/";
    public static final String BACKENDS = "/netmgr/service-backends/";
    static final String BACKEND_OF = "/netmgr/backend-of/";
    private static final String NAMES = "/netmgr/names/service/";
    private static final String ATTACHED = "/netmgr/attached/";

    private final Store store;

    public ServiceStore(Store store) {
        this.store = store;
    }

    public Store store() {
        return store;
    }

    public List<Service> services() {
        return store.range(SERVICES).stream().map(kv -> StoredJson.decode(kv, Service.class)).toList();
    }

    public Optional<Service> byId(String id) {
        return store.get(SERVICES + id).map(kv -> StoredJson.decode(kv, Service.class));
    }

    public Optional<Service> byName(String name) {
        return store.get(NAMES + name).map(KeyValue::valueAsString).flatMap(this::byId);
    }

    /** Services whose id starts with {@code prefix}. */
    public List<Service> byIdPrefix(String prefix) {
        return store.range(SERVICES + prefix).stream().map(kv -> StoredJson.decode(kv, Service.class)).toList();
    }

    public List<ServiceBackend> backends(String serviceId) {
        return store.range(BACKENDS + serviceId + "/").stream().map(kv -> StoredJson.decode(kv, ServiceBackend.class)).toList();
    }

    /** The ids of the services endpoint {@code endpointId} is a backend of. */
    public List<String> servicesOf(String endpointId) {
        String prefix = BACKEND_OF + endpointId + "/";
        return store.range(prefix).stream().map(kv -> kv.key().substring(prefix.length())).toList();
    }

    /** {@code txn}, also storing new service {@code s} under its name and holding its networks; fails when the name is taken. */
    static Txn create(Txn txn, Service s) {
        txn.ifAbsent(NAMES + s.name()).put(NAMES + s.name(), StoredJson.text(s.id())).put(SERVICES + s.id(), StoredJson.encode(s));
        s.networkIds().forEach(n -> txn.put(ATTACHED + n + "/" + s.id(), new byte[0]));
        return txn;
    }

    /** {@code txn}, also replacing stored service {@code s} (same id and name), which must still be there. */
    static Txn update(Txn txn, Service s) {
        return txn.ifPresent(SERVICES + s.id()).put(SERVICES + s.id(), StoredJson.encode(s));
    }

    /** {@code txn}, also forgetting service {@code s}, its name, its hold on its networks and its backends. */
    static Txn forget(Txn txn, Service s, List<ServiceBackend> backends) {
        txn.delete(SERVICES + s.id()).delete(NAMES + s.name()).deletePrefix(BACKENDS + s.id() + "/");
        s.networkIds().forEach(n -> txn.delete(ATTACHED + n + "/" + s.id()));
        backends.forEach(b -> txn.delete(BACKEND_OF + b.endpointId() + "/" + s.id()));
        return txn;
    }

    static Txn addBackend(Txn txn, ServiceBackend b) {
        return txn.put(BACKENDS + b.serviceId() + "/" + b.endpointId(), StoredJson.encode(b))
                .put(BACKEND_OF + b.endpointId() + "/" + b.serviceId(), new byte[0]);
    }

    static Txn removeBackend(Txn txn, ServiceBackend b) {
        return txn.delete(BACKENDS + b.serviceId() + "/" + b.endpointId()).delete(BACKEND_OF + b.endpointId() + "/" + b.serviceId());
    }
}
