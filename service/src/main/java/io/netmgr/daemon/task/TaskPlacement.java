package io.netmgr.daemon.task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a clustered service's tasks run, as swarm's spread strategy decides it: a slot with no
 * host, or whose host's lease has ended, goes to the alive host running the fewest tasks of that
 * service, ties broken by the fewest tasks overall, then by host id (so every host decides the
 * same); slots above the service's replicas, and every slot of a service that is gone, are
 * unassigned. A pure decision: the caller applies each move as one compare-and-swap on the slot
 * ({@code expectedModRevision}), so when several hosts decide at once exactly one move wins per slot
 * and the others read again. Tasks on alive hosts never move: no rebalancing when a host joins.
 */
public final class TaskPlacement {

    private TaskPlacement() {
    }

    /** Slot {@code slot}'s host as stored, and the revision that last changed it (0: unassigned). */
    public record Assignment(String host, long modRevision) {
    }

    /** One change of the assignments, to apply as a compare-and-swap on the slot's revision. */
    public sealed interface Move permits Assign, Unassign {
        String serviceId();

        int slot();

        long expectedModRevision();
    }

    /** Slot {@code slot} of service {@code serviceId} to {@code host}. */
    public record Assign(String serviceId, int slot, String host, long expectedModRevision) implements Move {
    }

    /** Slot {@code slot} of service {@code serviceId} runs nowhere any more. */
    public record Unassign(String serviceId, int slot, long expectedModRevision) implements Move {
    }

    /**
     * The moves that bring {@code assigned} (service id -> slot -> assignment) to {@code replicas}
     * (service id -> desired replicas) over the hosts in {@code alive}. With no alive host, slots
     * stay where they are until one comes.
     */
    public static List<Move> decide(Map<String, Integer> replicas, Map<String, Map<Integer, Assignment>> assigned, Set<String> alive) {
        Map<String, Integer> overall = new HashMap<>();
        alive.forEach(h -> overall.put(h, 0));
        // the tasks that stay where they are count towards each host's load
        assigned.forEach((service, slots) -> slots.forEach((slot, a) -> {
            if (alive.contains(a.host()) && slot <= replicas.getOrDefault(service, 0)) {
                overall.merge(a.host(), 1, Integer::sum);
            }
        }));
        List<Move> moves = new ArrayList<>();
        Set<String> services = new TreeSet<>(replicas.keySet());
        services.addAll(assigned.keySet());
        for (String service : services) {
            int wanted = replicas.getOrDefault(service, 0);
            Map<Integer, Assignment> slots = new TreeMap<>(assigned.getOrDefault(service, Map.of()));
            Map<String, Integer> ofService = new HashMap<>();
            alive.forEach(h -> ofService.put(h, 0));
            slots.forEach((slot, a) -> {
                if (alive.contains(a.host()) && slot <= wanted) {
                    ofService.merge(a.host(), 1, Integer::sum);
                }
            });
            slots.forEach((slot, a) -> {
                if (slot > wanted) {
                    moves.add(new Unassign(service, slot, a.modRevision()));
                }
            });
            if (alive.isEmpty()) {
                continue;
            }
            for (int slot = 1; slot <= wanted; slot++) {
                Assignment a = slots.get(slot);
                if (a != null && alive.contains(a.host())) {
                    continue;
                }
                String host = alive.stream().min(Comparator.comparing((String h) -> ofService.get(h))
                        .thenComparing(overall::get).thenComparing(Comparator.naturalOrder())).orElseThrow();
                moves.add(new Assign(service, slot, host, a == null ? 0 : a.modRevision()));
                ofService.merge(host, 1, Integer::sum);
                overall.merge(host, 1, Integer::sum);
            }
        }
        return moves;
    }
}
