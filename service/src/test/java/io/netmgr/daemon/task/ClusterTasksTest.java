package io.netmgr.daemon.task;

import static io.netmgr.netlink.testing.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.daemon.task.TaskSupervisorTest.FakeLauncher;
import io.netmgr.daemon.task.TaskSupervisorTest.FakeSandboxes;
import io.netmgr.daemon.task.TaskSupervisorTest.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts following the assignments of one cluster store (in memory, leases expired by a ticker the
 * test moves), each with its own supervisor over fake processes: each runs exactly its slots, and
 * a dead host's slot moves to a survivor.
 */
class ClusterTasksTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final TaskCommand CMD = new TaskCommand(List.of("server"));

    @TempDir Path state;
    private final AtomicLong nanos = new AtomicLong();
    private final MemoryStore cluster = new MemoryStore(nanos::get);
    private final List<Host> hosts = new ArrayList<>();

    /** One host: its own store, registration, supervisor and follower. */
    private final class Host {
        final MemoryStore local = new MemoryStore();
        final HostRegistry registry;
        final FakeLauncher launcher = new FakeLauncher();
        final TaskSupervisor supervisor;
        /** This host's requests to the cluster store. */
        final CountingStore requests = new CountingStore(cluster);
        final TaskSpecStore specs = new TaskSpecStore(new ScopedStore(local, requests));
        final ClusterTasks tasks;

        Host(String id, String address) {
            this(id, address, true);
        }

        /** With {@code follow} false, the host runs no rounds of its own: the test runs them. */
        Host(String id, String address, boolean follow) {
            registry = HostRegistry.join(cluster, local, id, id, address, "test", TTL);
            supervisor = new TaskSupervisor(launcher, new FakeSandboxes(), new TaskFiles(state.resolve(id)),
                    Backoff.DEFAULT, Duration.ofSeconds(1), new MovableClock());
            tasks = new ClusterTasks(requests, registry, specs, supervisor);
            supervisor.adopt(tasks.mine());
            if (follow) {
                tasks.start();
            }
            hosts.add(this);
        }

        List<Integer> running(String service) {
            return supervisor.status(service).stream().filter(t -> t.state().equals("running")).map(TaskStatus::slot).toList();
        }

        void dies() {
            tasks.close();
            registry.close();
            cluster.stopKeepAlive(registry.lease().id());
            nanos.addAndGet(TTL.toNanos());
            cluster.expireLeases();
        }
    }

    @AfterEach
    void close() {
        hosts.forEach(h -> {
            h.tasks.close();
            h.registry.close();
        });
    }

    /** Service s1 (web) of two tasks, created on {@code a}: once placed, one runs on each host. */
    private static void webOfTwoOn(Host a, Host b) {
        a.specs.put("s1", "/netmgr/services/s1", new TaskSpec("web", 2, CMD), true);
        a.tasks.place();
        waitFor("one task on each host", () -> a.running("web").size() == 1 && b.running("web").size() == 1);
    }

    @Test
    void eachHostRunsItsOwnSlotsAndADeadHostsSlotMovesToASurvivor() {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        webOfTwoOn(a, b);
        assertThat(a.running("web")).doesNotContainAnyElementsOf(b.running("web"));
        waitFor("both reported", () -> b.tasks.status("s1", "web").stream().allMatch(t -> t.state().equals("running")));
        assertThat(b.tasks.status("s1", "web")).extracting(TaskStatus::host).containsExactlyInAnyOrder("198.51.100.1", "198.51.100.2");

        b.dies();
        waitFor("a runs both slots", () -> a.running("web").equals(List.of(1, 2)));
        waitFor("ps names a for both", () -> a.tasks.status("s1", "web").stream()
                .allMatch(t -> t.state().equals("running") && t.host().equals("198.51.100.1")));
    }

    @Test
    void aRoundReadsTheSpecsAndTheSlotsOnceEvenWhenItPlaces() {
        Host a = new Host("a", "198.51.100.1", false);
        a.specs.put("s1", "/netmgr/services/s1", new TaskSpec("web", 2, CMD), true);
        a.requests.countOnly(Thread.currentThread());
        a.requests.reset();

        a.tasks.round(true, true);

        assertThat(a.requests.ranges(TaskSpecStore.CLUSTER_PREFIX)).as("the specs, once").isEqualTo(1);
        assertThat(a.requests.ranges(TaskAssignments.SLOTS)).as("the slots, once").isEqualTo(1);
        a.requests.reset();
        a.tasks.round(true, false); // the round its moves bring back through the slots' watch
        assertThat(a.running("web")).containsExactly(1, 2);
        assertThat(a.requests.ranges(TaskSpecStore.CLUSTER_PREFIX)).isEqualTo(1);
        assertThat(a.requests.ranges(TaskAssignments.SLOTS)).isEqualTo(1);
        a.requests.reset();
        a.tasks.round(false, false);
        assertThat(a.requests.counts().reads()).as("a round that only publishes reads nothing").isZero();
    }

    @Test
    void aTaskThatExitsIsReportedWithNoOtherEventNorTimer() {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        webOfTwoOn(a, b);
        waitFor("both reported running", () -> a.tasks.status("s1", "web").stream().filter(t -> t.state().equals("running")).count() == 2);
        int slot = b.running("web").get(0);

        b.launcher.running().get(0).exitWith(3);
        b.supervisor.tick(); // its task loop's round: it notes the exit, and the report follows from that alone

        waitFor("a sees b's task restarting", Duration.ofSeconds(30), () -> a.tasks.status("s1", "web").stream()
                .anyMatch(t -> t.slot() == slot && t.state().equals("restarting") && "exit 3".equals(t.lastExit())));
    }

    @Test
    void scaleAndRmFromOneHostReachTheOther() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        a.specs.put("s1", "/netmgr/services/s1", new TaskSpec("web", 4, CMD), true);
        a.tasks.place();
        waitFor("two tasks on each host", () -> a.running("web").size() == 2 && b.running("web").size() == 2);

        b.specs.put("s1", "/netmgr/services/s1", new TaskSpec("web", 1, CMD), true);
        b.tasks.place();
        waitFor("one task left, slot 1", () -> a.running("web").size() + b.running("web").size() == 1
                && (a.running("web").equals(List.of(1)) || b.running("web").equals(List.of(1))));

        assertThat(a.tasks.removeEverywhere("s1", Duration.ofSeconds(30))).as("every report gone").isTrue();
        assertThat(a.supervisor.supervises("web") || b.supervisor.supervises("web")).isFalse();
    }
}
