package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.daemon.task.TaskPlacement.Move;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Slots assigned in a store with leases (hosts come and go by a ticker the test moves), one compare-and-swap per move. */
class TaskAssignmentsTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final TaskCommand CMD = new TaskCommand(List.of("server"));

    private final AtomicLong nanos = new AtomicLong();
    private final MemoryStore cluster = new MemoryStore(nanos::get);
    private final TaskSpecStore specs = new TaskSpecStore(new ScopedStore(new MemoryStore(), cluster));
    private final TaskAssignments slots = new TaskAssignments(cluster);
    private final Map<String, Lease> leases = new HashMap<>();

    private void hostUp(String id) {
        Lease lease = cluster.grantLease(TTL, () -> { });
        cluster.txn().put(HostRegistry.HOSTS + id, ("{\"hostId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8), lease).commit();
        leases.put(id, lease);
    }

    private void hostDies(String id) {
        cluster.stopKeepAlive(leases.get(id).id());
        nanos.addAndGet(TTL.toNanos());
        cluster.expireLeases();
    }

    private void want(String serviceId, int replicas) {
        specs.put(serviceId, "/netmgr/services/" + serviceId, new TaskSpec("svc-" + serviceId, replicas, CMD), true);
    }

    private Map<Integer, String> slotsOf(String serviceId) {
        return new TreeMap<>(slots.slotsOf(serviceId));
    }

    @Test
    void threeHostsRunOneTaskEachAndScaleMovesOnlyWhatItMust() {
        hostUp("a");
        hostUp("b");
        hostUp("c");
        want("s1", 3);
        slots.place(specs.clustered());
        assertThat(slotsOf("s1")).containsExactlyEntriesOf(new TreeMap<>(Map.of(1, "a", 2, "b", 3, "c")));

        want("s1", 5);
        slots.place(specs.clustered());
        assertThat(slotsOf("s1")).hasSize(5).containsEntry(1, "a").containsEntry(2, "b").containsEntry(3, "c");

        want("s1", 1);
        slots.place(specs.clustered());
        assertThat(slotsOf("s1")).containsExactlyEntriesOf(Map.of(1, "a"));
    }

    @Test
    void aDeadHostsSlotIsMovedByExactlyOneSurvivor() {
        hostUp("a");
        hostUp("b");
        hostUp("c");
        want("s1", 3);
        slots.place(specs.clustered());
        hostDies("c");

        // survivors a and b both decide from the same view; a applies first
        var view = slots.assignments();
        List<Move> decidedByA = TaskPlacement.decide(Map.of("s1", 3), view, slots.aliveHosts());
        List<Move> decidedByB = TaskPlacement.decide(Map.of("s1", 3), view, slots.aliveHosts());
        assertThat(decidedByA).hasSize(1).isEqualTo(decidedByB);
        TaskSpecStore.Stored spec = specs.clustered().get(0);
        assertThat(slots.apply(decidedByA.get(0), spec)).isTrue();
        assertThat(slots.apply(decidedByB.get(0), spec)).as("b's compare-and-swap finds the slot moved already").isFalse();
        assertThat(slots.place(specs.clustered())).as("b, reading again, has nothing left to do").isEmpty();
        assertThat(slotsOf("s1")).containsEntry(1, "a").containsEntry(2, "b").containsEntry(3, "a");
    }

    @Test
    void aMoveDecidedBeforeAScaleIsVoided() {
        hostUp("a");
        want("s1", 2);
        TaskSpecStore.Stored before = specs.clustered().get(0);
        List<Move> decided = TaskPlacement.decide(Map.of("s1", 2), slots.assignments(), slots.aliveHosts());
        want("s1", 1);

        assertThat(slots.apply(decided.get(1), before)).as("slot 2 of a spec since scaled to 1").isFalse();
        assertThat(slotsOf("s1")).isEmpty();
    }

    @Test
    void rmTakesTheSpecAndEverySlotAtOnceAndAssignsNothingAfter() {
        hostUp("a");
        want("s1", 2);
        TaskSpecStore.Stored before = specs.clustered().get(0);
        slots.place(specs.clustered());
        slots.removeService("s1");

        assertThat(specs.clustered()).isEmpty();
        assertThat(slotsOf("s1")).isEmpty();
        assertThat(slots.apply(new TaskPlacement.Assign("s1", 1, "a", 0), before)).isFalse();
    }

    @Test
    void reportsAreWrittenWhenTheyChangeAndGoWithTheirHostsLease() {
        hostUp("a");
        Map<String, byte[]> published = new HashMap<>();
        TaskStatus running = new TaskStatus("svc.1", 1, "running", 42L, 0, null, "2026-12-06T00:00:00Z", null);
        slots.publish("a", leases.get("a"), Map.of("s1", List.of(running)), published);
        long revision = cluster.revision();
        slots.publish("a", leases.get("a"), Map.of("s1", List.of(running)), published);

        assertThat(cluster.revision()).as("nothing changed, nothing written").isEqualTo(revision);
        assertThat(slots.reported("s1")).containsExactly(new TaskAssignments.Reported("a", running));

        hostDies("a");
        assertThat(slots.reported("s1")).isEmpty();
    }

    @Test
    void aHostRemovesOnlyItsOwnReports() {
        hostUp("a");
        hostUp("b");
        TaskStatus onA = new TaskStatus("svc.1", 1, "running", 42L, 0, null, "t", null);
        TaskStatus onB = new TaskStatus("svc.1", 1, "running", 43L, 0, null, "t", null);
        Map<String, byte[]> publishedA = new HashMap<>();
        slots.publish("a", leases.get("a"), Map.of("s1", List.of(onA)), publishedA);
        slots.publish("b", leases.get("b"), Map.of("s1", List.of(onB)), new HashMap<>());
        slots.publish("a", leases.get("a"), Map.of(), publishedA); // a stopped it: the slot moved to b

        assertThat(slots.reported("s1")).containsExactly(new TaskAssignments.Reported("b", onB));
    }
}
