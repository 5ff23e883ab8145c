package io.netmgr.daemon.task;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import io.netmgr.daemon.task.TaskPlacement.Assign;
import io.netmgr.daemon.task.TaskPlacement.Assignment;
import io.netmgr.daemon.task.TaskPlacement.Move;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Clustered services' task slots in the cluster store: which host runs each slot
 * ({@code /netmgr/global/task-slots/SERVICE-ID/SLOT}, a lasting key that only a compare-and-swap
 * changes), and how each task fares as its host reports it ({@code /netmgr/global/task-status/
 * SERVICE-ID/SLOT/HOST-ID}, under the reporting host's lease, so a dead host's reports go with it).
 */
public final class TaskAssignments {
    static final String SLOTS = ScopedStore.GLOBAL + "task-slots/";
    static final String STATUS = ScopedStore.GLOBAL + "task-status/";
    /** Enough rounds for every host deciding at once to settle: each lost compare-and-swap means another host moved first. */
    private static final int ROUNDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Store cluster;

    public TaskAssignments(Store cluster) {
        this.cluster = cluster;
    }

    private record SlotJson(String host) {
    }

    /** A task's state as its host reported it. */
    private record StatusJson(String host, TaskStatus status) {
    }

    /** Service id -> slot -> its host and the revision that set it. */
    public Map<String, Map<Integer, Assignment>> assignments() {
        Map<String, Map<Integer, Assignment>> all = new TreeMap<>();
        for (KeyValue kv : cluster.range(SLOTS)) {
            String[] idSlot = kv.key().substring(SLOTS.length()).split("/");
            all.computeIfAbsent(idSlot[0], k -> new TreeMap<>())
                    .put(Integer.parseInt(idSlot[1]), new Assignment(read(kv, SlotJson.class).host(), kv.modRevision()));
        }
        return all;
    }

    /** The slots of service {@code serviceId} and their hosts' ids. */
    public Map<Integer, String> slotsOf(String serviceId) {
        Map<Integer, String> slots = new TreeMap<>();
        for (KeyValue kv : cluster.range(SLOTS + serviceId + "/")) {
            slots.put(Integer.parseInt(kv.key().substring(kv.key().lastIndexOf('/') + 1)), read(kv, SlotJson.class).host());
        }
        return slots;
    }

    /** The ids of the hosts whose lease is alive. */
    public Set<String> aliveHosts() {
        Set<String> alive = new TreeSet<>();
        cluster.range(HostRegistry.HOSTS).forEach(kv -> alive.add(kv.key().substring(HostRegistry.HOSTS.length())));
        return alive;
    }

    /**
     * Brings the assignments to the clustered services' specs over the alive hosts
     * ({@link TaskPlacement}), one compare-and-swap per move, each also conditioned on the
     * service's spec being the one decided on (a scale or rm meanwhile voids it). A lost
     * compare-and-swap means another host moved first: read again and decide again.
     *
     * @return the moves this host applied
     */
    public List<Move> place(List<TaskSpecStore.Stored> specs) {
        List<Move> applied = new ArrayList<>();
        place(specs, assignments(), applied);
        return applied;
    }

    /**
     * As {@link #place(List)}, deciding first on {@code assigned} (the assignments the caller read
     * with {@code specs}, not read again), adding the moves it applied to {@code applied}.
     *
     * @return false when compare-and-swaps were still being lost after every round: placement is
     *         not settled, and the caller should place again
     */
    public boolean place(List<TaskSpecStore.Stored> specs, Map<String, Map<Integer, Assignment>> assigned, List<Move> applied) {
        for (int round = 0; round < ROUNDS; round++) {
            Map<String, TaskSpecStore.Stored> byId = new HashMap<>();
            Map<String, Integer> replicas = new HashMap<>();
            specs.forEach(s -> {
                byId.put(s.serviceId(), s);
                replicas.put(s.serviceId(), s.replicas());
            });
            boolean lost = false;
            for (Move move : TaskPlacement.decide(replicas, round == 0 ? assigned : assignments(), aliveHosts())) {
                if (apply(move, byId.get(move.serviceId()))) {
                    applied.add(move);
                } else {
                    lost = true;
                }
            }
            if (!lost) {
                return true;
            }
            // a scale or rm may have caused it: the specs as they are now
            specs = cluster.range(TaskSpecStore.CLUSTER_PREFIX).stream().map(kv -> TaskSpecStore.decode(kv, true)).toList();
        }
        return false;
    }

    // package-private: the tests replay a move decided on a stale view
    boolean apply(Move move, TaskSpecStore.Stored spec) {
        String key = SLOTS + move.serviceId() + "/" + move.slot();
        Txn txn = cluster.txn().ifModRevision(key, move.expectedModRevision());
        if (move instanceof Assign a) {
            if (spec == null) {
                return false; // its service went meanwhile
            }
            return txn.ifModRevision(TaskSpecStore.key(spec.serviceId(), true), spec.modRevision())
                    .put(key, write(new SlotJson(a.host()))).commit().succeeded();
        }
        return txn.delete(key).commit().succeeded();
    }

    /** Removes a service's spec and every assignment of its slots at once: each host then stops its tasks of it. */
    public void removeService(String serviceId) {
        cluster.txn().delete(TaskSpecStore.key(serviceId, true)).deletePrefix(SLOTS + serviceId + "/").commit();
    }

    /**
     * The reports of service {@code serviceId}'s tasks, one per slot and reporting host (a slot just
     * moved may be reported by its old host, still stopping it, and its new one).
     */
    public List<Reported> reported(String serviceId) {
        return cluster.range(STATUS + serviceId + "/").stream().map(kv -> read(kv, StatusJson.class))
                .map(j -> new Reported(j.host(), j.status())).toList();
    }

    /** A task's status as host {@code host} reported it. */
    public record Reported(String host, TaskStatus status) {
    }

    /**
     * Makes this host's reports ({@code mine}: service id -> its tasks here) the stored ones under
     * {@code lease}, writing only what changed since {@code published} (key -> value, updated).
     */
    public void publish(String hostId, Lease lease, Map<String, List<TaskStatus>> mine, Map<String, byte[]> published) {
        Map<String, byte[]> now = new HashMap<>();
        mine.forEach((serviceId, tasks) -> tasks.forEach(t -> now.put(STATUS + serviceId + "/" + t.slot() + "/" + hostId,
                write(new StatusJson(hostId, t)))));
        Txn txn = cluster.txn();
        boolean changed = false;
        for (Map.Entry<String, byte[]> e : now.entrySet()) {
            if (!java.util.Arrays.equals(e.getValue(), published.get(e.getKey()))) {
                txn.put(e.getKey(), e.getValue(), lease);
                changed = true;
            }
        }
        for (String gone : published.keySet()) {
            if (!now.containsKey(gone)) {
                txn.delete(gone);
                changed = true;
            }
        }
        if (changed) {
            txn.commit();
        }
        published.clear();
        published.putAll(now);
    }

    private static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(KeyValue kv, Class<T> type) {
        try {
            return JSON.readValue(kv.value(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable " + kv.key(), e);
        }
    }
}
