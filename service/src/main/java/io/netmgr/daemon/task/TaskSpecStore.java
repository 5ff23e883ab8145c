package io.netmgr.daemon.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A service's desired tasks in the store, beside the service (one key per service:
 * {@code /netmgr/service-tasks/SERVICE-ID}), so a restarted netmgrd knows how many tasks of
 * which command each service wants. A service without the key runs no tasks (its backends are
 * attached by hand or through CNI).
 */
public final class TaskSpecStore {
    static final String PREFIX = "/netmgr/service-tasks/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Store store;

    public TaskSpecStore(Store store) {
        this.store = store;
    }

    /** As stored: the service's id with the spec. */
    public record Stored(String serviceId, String service, int replicas, List<String> command) {
        public TaskSpec spec() {
            return new TaskSpec(service, replicas, new TaskCommand(command));
        }
    }

    public List<Stored> all() {
        return store.range(PREFIX).stream().map(TaskSpecStore::decode).toList();
    }

    public Optional<Stored> of(String serviceId) {
        return store.get(PREFIX + serviceId).map(TaskSpecStore::decode);
    }

    /** Stores {@code spec} for service {@code serviceId}, provided {@code serviceKey} (the service itself) is still stored. */
    public void put(String serviceId, String serviceKey, TaskSpec spec) {
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(new Stored(serviceId, spec.service(), spec.replicas(), spec.command().argv()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!store.txn().ifPresent(serviceKey).put(PREFIX + serviceId, value).commit().succeeded()) {
            throw NetmgrException.notFound("service " + spec.service() + " was removed meanwhile");
        }
    }

    public void remove(String serviceId) {
        store.txn().delete(PREFIX + serviceId).commit();
    }

    private static Stored decode(KeyValue kv) {
        try {
            return JSON.readValue(kv.value(), Stored.class);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable task spec under " + kv.key(), e);
        }
    }
}
