package io.netmgr.daemon.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A service's desired tasks in the store, beside the service (one key per service), so a
 * restarted netmgrd knows how many tasks of which command each service wants. A service whose
 * tasks run on this host only keeps it in the host's store ({@code /netmgr/service-tasks/ID}); a
 * clustered one (its tasks spread over the hosts) in the cluster store
 * ({@code /netmgr/global/service-tasks/ID}), where every host reads it. A service without the key
 * runs no tasks (its backends are attached by hand or through CNI).
 */
public final class TaskSpecStore {
    static final String PREFIX = "/netmgr/service-tasks/";
    static final String CLUSTER_PREFIX = ScopedStore.GLOBAL + "service-tasks/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;

    /** On {@code store}: the host's store, or a {@link ScopedStore} over it and the cluster store. */
    public TaskSpecStore(Store store) {
        this.store = store;
    }

    /**
     * As stored: the service's id with the spec; {@code clustered} when its tasks are spread over
     * the cluster's hosts; {@code modRevision} the store revision that last changed it.
     */
    public record Stored(String serviceId, String service, int replicas, List<String> command, boolean clustered, long modRevision) {
        public TaskSpec spec() {
            return new TaskSpec(service, replicas, new TaskCommand(command));
        }
    }

    private record Json(String serviceId, String service, int replicas, List<String> command) {
    }

    /** Every service's, this host's own first, then the cluster's. */
    public List<Stored> all() {
        List<Stored> all = new ArrayList<>(store.range(PREFIX).stream().map(kv -> decode(kv, false)).toList());
        if (store instanceof ScopedStore) {
            all.addAll(clustered());
        }
        return all;
    }

    /** The cluster's (empty without a cluster store). */
    public List<Stored> clustered() {
        return store instanceof ScopedStore ? store.range(CLUSTER_PREFIX).stream().map(kv -> decode(kv, true)).toList() : List.of();
    }

    public Optional<Stored> of(String serviceId) {
        Optional<Stored> local = store.get(PREFIX + serviceId).map(kv -> decode(kv, false));
        if (local.isPresent() || !(store instanceof ScopedStore)) {
            return local;
        }
        return store.get(CLUSTER_PREFIX + serviceId).map(kv -> decode(kv, true));
    }

    /**
     * Stores {@code spec} for service {@code serviceId}, provided {@code serviceKey} (the service
     * itself) is still stored when it lives in the same store; {@code clustered}: in the cluster store.
     */
    public void put(String serviceId, String serviceKey, TaskSpec spec, boolean clustered) {
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(new Json(serviceId, spec.service(), spec.replicas(), spec.command().argv()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Txn txn = store.txn();
        if (ScopedStore.isClusterKey(serviceKey) == clustered) {
            txn.ifPresent(serviceKey);
        }
        if (!txn.put(key(serviceId, clustered), value).commit().succeeded()) {
            throw NetmgrException.notFound("service " + spec.service() + " was removed meanwhile");
        }
    }

    public void remove(String serviceId) {
        store.txn().delete(PREFIX + serviceId).commit();
        if (store instanceof ScopedStore) {
            store.txn().delete(CLUSTER_PREFIX + serviceId).commit();
        }
    }

    static String key(String serviceId, boolean clustered) {
        return (clustered ? CLUSTER_PREFIX : PREFIX) + serviceId;
    }

    static Stored decode(KeyValue kv, boolean clustered) {
        try {
            Json j = JSON.readValue(kv.value(), Json.class);
            return new Stored(j.serviceId(), j.service(), j.replicas(), j.command(), clustered, kv.modRevision());
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable task spec under " + kv.key(), e);
        }
    }
}
