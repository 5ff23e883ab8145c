package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.daemon.task.TaskPlacement.Assign;
import io.netmgr.daemon.task.TaskPlacement.Assignment;
import io.netmgr.daemon.task.TaskPlacement.Move;
import io.netmgr.daemon.task.TaskPlacement.Unassign;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Swarm's spread strategy as a pure decision: where slots go, and which go away. */
class TaskPlacementTest {
    private static final Set<String> ABC = Set.of("a", "b", "c");

    /** The assignments after {@code moves}, as the store would hold them (revisions made up). */
    private static Map<String, Map<Integer, Assignment>> after(Map<String, Map<Integer, Assignment>> before, List<Move> moves) {
        Map<String, Map<Integer, Assignment>> now = new TreeMap<>();
        before.forEach((s, slots) -> now.put(s, new TreeMap<>(slots)));
        for (Move m : moves) {
            if (m instanceof Assign a) {
                now.computeIfAbsent(a.serviceId(), k -> new TreeMap<>()).put(a.slot(), new Assignment(a.host(), 100 + a.slot()));
            } else {
                now.get(m.serviceId()).remove(m.slot());
            }
        }
        return now;
    }

    private static Map<String, Integer> perHost(Map<Integer, Assignment> slots) {
        Map<String, Integer> count = new TreeMap<>();
        slots.values().forEach(a -> count.merge(a.host(), 1, Integer::sum));
        return count;
    }

    @Test
    void threeReplicasOnThreeHostsRunOnePerHost() {
        List<Move> moves = TaskPlacement.decide(Map.of("web", 3), Map.of(), ABC);

        assertThat(moves).containsExactly(new Assign("web", 1, "a", 0), new Assign("web", 2, "b", 0), new Assign("web", 3, "c", 0));
    }

    @Test
    void scalingUpSpreadsTheNewSlotsAndScalingDownUnassignsTheHighestOnes() {
        var three = after(Map.of(), TaskPlacement.decide(Map.of("web", 3), Map.of(), ABC));
        var five = after(three, TaskPlacement.decide(Map.of("web", 5), three, ABC));

        assertThat(five.get("web")).hasSize(5);
        assertThat(perHost(five.get("web")).values()).containsExactlyInAnyOrder(2, 2, 1);
        assertThat(five.get("web").get(1)).as("tasks that run stay where they are").isEqualTo(three.get("web").get(1));

        List<Move> down = TaskPlacement.decide(Map.of("web", 1), five, ABC);
        assertThat(down).allMatch(m -> m instanceof Unassign).extracting(Move::slot).containsExactlyInAnyOrder(2, 3, 4, 5);
        assertThat(down).allSatisfy(m -> assertThat(m.expectedModRevision()).isEqualTo(100 + m.slot()));
    }

    @Test
    void aDeadHostsSlotsGoToTheAliveHostsWithTheFewestTasksOfTheService() {
        var five = after(Map.of(), TaskPlacement.decide(Map.of("web", 5), Map.of(), ABC));
        String dead = "c";
        List<Move> moves = TaskPlacement.decide(Map.of("web", 5), five, Set.of("a", "b"));

        assertThat(moves).allMatch(m -> m instanceof Assign)
                .extracting(Move::slot).containsExactlyElementsOf(five.get("web").entrySet().stream()
                        .filter(e -> e.getValue().host().equals(dead)).map(Map.Entry::getKey).toList());
        assertThat(moves).allSatisfy(m -> assertThat(m.expectedModRevision()).as("a compare-and-swap on the dead host's assignment")
                .isEqualTo(100 + m.slot()));
        var healed = after(five, moves);
        assertThat(perHost(healed.get("web"))).doesNotContainKey(dead);
        assertThat(perHost(healed.get("web")).values()).containsExactlyInAnyOrder(3, 2);
    }

    @Test
    void tiesGoToTheHostWithTheFewestTasksOverall() {
        // host a already runs two tasks of another service
        Map<String, Map<Integer, Assignment>> before = new HashMap<>(Map.of("db", Map.of(1, new Assignment("a", 7),
                2, new Assignment("a", 8))));
        List<Move> moves = TaskPlacement.decide(Map.of("db", 2, "web", 2), before, ABC);

        assertThat(moves).containsExactly(new Assign("web", 1, "b", 0), new Assign("web", 2, "c", 0));
    }

    @Test
    void withNoAliveHostSlotsWaitAndAGoneServiceLosesEverySlot() {
        var three = after(Map.of(), TaskPlacement.decide(Map.of("web", 3), Map.of(), ABC));

        assertThat(TaskPlacement.decide(Map.of("web", 3), three, Set.of())).isEmpty();
        assertThat(TaskPlacement.decide(Map.of(), three, ABC)).extracting(Move::slot).containsExactly(1, 2, 3);
        assertThat(TaskPlacement.decide(Map.of("web", 0), Map.of(), ABC)).isEmpty();
    }

    @Test
    void everyHostDecidesTheSame() {
        // the same wants and hosts, met in opposite orders (Map.of and Set.of may iterate alike)
        Map<String, Integer> webFirst = new java.util.LinkedHashMap<>();
        webFirst.put("web", 5);
        webFirst.put("db", 2);
        Map<String, Integer> dbFirst = new java.util.LinkedHashMap<>();
        dbFirst.put("db", 2);
        dbFirst.put("web", 5);
        var five = after(Map.of(), TaskPlacement.decide(webFirst, Map.of(), ABC));
        assertThat(TaskPlacement.decide(webFirst, five, new java.util.LinkedHashSet<>(List.of("b", "a"))))
                .isEqualTo(TaskPlacement.decide(dbFirst, five, new java.util.LinkedHashSet<>(List.of("a", "b"))));
    }
}
