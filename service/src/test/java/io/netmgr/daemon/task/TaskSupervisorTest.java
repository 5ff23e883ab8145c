package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The supervisor's rules with a fake launcher, fake sandboxes and a clock the test moves. */
class TaskSupervisorTest {
    private static final TaskCommand CMD = new TaskCommand(List.of("server", "--port", "80"));

    @TempDir Path state;
    private final MovableClock clock = new MovableClock();
    private final FakeLauncher launcher = new FakeLauncher();
    private final FakeSandboxes sandboxes = new FakeSandboxes();

    private TaskSupervisor supervisor() {
        return new TaskSupervisor(launcher, sandboxes, new TaskFiles(state.resolve("tasks")), Backoff.DEFAULT,
                Duration.ofSeconds(10), clock);
    }

    @Test
    void createStartsOneProcessPerSlotEachInItsOwnSandbox() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 3, CMD));

        assertThat(sandboxes.made).containsExactly("web.1", "web.2", "web.3");
        assertThat(launcher.running()).extracting(p -> p.slot.name()).containsExactly("web.1", "web.2", "web.3");
        assertThat(launcher.running()).allSatisfy(p -> assertThat(p.namespace).isEqualTo(Path.of("/run/netns/" + p.slot.name())));
        assertThat(s.status("web")).extracting(TaskStatus::state).containsOnly("running");
    }

    @Test
    void scaleDownStopsTheHighestSlotsAndRemovesTheirSandboxes() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 5, CMD));
        s.apply(new TaskSpec("web", 1, CMD));

        assertThat(sandboxes.made).containsExactly("web.1");
        assertThat(launcher.running()).extracting(p -> p.slot.name()).containsExactly("web.1");
        assertThat(launcher.started).filteredOn(p -> p.slot.slot() > 1).allSatisfy(p -> assertThat(p.terminated).isTrue());
        assertThat(s.status("web")).extracting(TaskStatus::name).containsExactly("web.1");
    }

    @Test
    void aTaskIgnoringSigtermIsKilledAfterTheGracePeriod() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 2, CMD));
        launcher.started.get(1).ignoresSigterm = true;
        s.apply(new TaskSpec("web", 1, CMD));

        assertThat(launcher.started.get(1).killed).isTrue();
        assertThat(launcher.started.get(0).terminated).isFalse();
    }

    @Test
    void anExitedTaskRestartsAfterABackoffThatDoublesUpToTheCap() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 1, CMD));
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            launcher.running().get(0).exitWith(3);
            s.tick();
            TaskStatus st = s.status("web").get(0);
            assertThat(st.state()).isEqualTo("restarting");
            assertThat(st.lastExit()).isEqualTo("exit 3");
            waits.add(Duration.between(clock.instant(), Instant.parse(st.nextStart())).toMillis());
            clock.advance(Duration.between(clock.instant(), Instant.parse(st.nextStart())).minusMillis(1));
            s.tick();
            assertThat(launcher.running()).isEmpty(); // not a moment early
            clock.advance(Duration.ofMillis(1));
            s.tick();
            assertThat(launcher.running()).hasSize(1);
        }
        assertThat(waits).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
        assertThat(s.status("web").get(0).restarts()).isEqualTo(9);
        assertThat(s.status("web").get(0).lastExit()).isEqualTo("exit 3");
    }

    @Test
    void statusOnlyReadsItNeverStartsATaskWhoseTimeHasCome() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 1, CMD));
        launcher.running().get(0).exitWith(3);
        s.tick();
        clock.advance(Duration.ofMinutes(1)); // well past the back-off

        assertThat(s.status("web")).extracting(TaskStatus::state).containsExactly("restarting");
        assertThat(launcher.started).hasSize(1);
        s.tick(); // the task loop's round starts it
        assertThat(launcher.started).hasSize(2);
        assertThat(s.status("web")).extracting(TaskStatus::state).containsExactly("running");
    }

    @Test
    void itTellsItsListenerOfAnExitOrAStartAndOfNothingElse() {
        TaskSupervisor s = supervisor();
        java.util.concurrent.atomic.AtomicInteger told = new java.util.concurrent.atomic.AtomicInteger();
        s.onChange(told::incrementAndGet);
        s.apply(new TaskSpec("web", 1, CMD));
        assertThat(told.getAndSet(0)).as("started").isEqualTo(1);

        s.tick();
        assertThat(told.get()).as("a round that changes nothing").isZero();
        launcher.running().get(0).exitWith(3);
        s.tick();
        assertThat(told.getAndSet(0)).as("the exit").isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        s.tick();
        assertThat(told.get()).as("the restart").isEqualTo(1);
    }

    @Test
    void aRunLongerThanTheStablePeriodStartsTheBackoffAgain() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 1, CMD));
        for (int i = 0; i < 4; i++) {
            launcher.running().get(0).exitWith(1);
            s.tick();
            clock.advance(Duration.ofMinutes(1));
            s.tick();
        }
        clock.advance(Duration.ofSeconds(10));
        launcher.running().get(0).exitWith(1);
        s.tick();
        TaskStatus st = s.status("web").get(0);
        assertThat(Duration.between(clock.instant(), Instant.parse(st.nextStart()))).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aSandboxThatCannotBeMadeShowsInPsAndIsRetried() {
        TaskSupervisor s = supervisor();
        sandboxes.failing = "address pool exhausted";
        s.apply(new TaskSpec("web", 1, CMD));

        TaskStatus st = s.status("web").get(0);
        assertThat(st.state()).isEqualTo("restarting");
        assertThat(st.lastExit()).isEqualTo("failed to start: address pool exhausted");
        sandboxes.failing = null;
        clock.advance(Duration.ofSeconds(1));
        s.tick();
        assertThat(s.status("web").get(0).state()).isEqualTo("running");
    }

    @Test
    void removeStopsEveryTaskAndLeavesNoSandboxOrFile() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 2, CMD));
        s.apply(new TaskSpec("db", 1, CMD));
        s.remove("web");

        assertThat(sandboxes.made).containsExactly("db.1");
        assertThat(launcher.running()).extracting(p -> p.slot.name()).containsExactly("db.1");
        assertThat(s.status("web")).isEmpty();
        assertThat(state.resolve("tasks/web")).doesNotExist();
        assertThat(s.supervises("web")).isFalse();
    }

    @Test
    void afterARestartItAdoptsItsOwnProcessesAndStartsOnlyWhatIsMissing() {
        TaskSupervisor before = supervisor();
        before.apply(new TaskSpec("web", 3, CMD));
        launcher.started.get(1).exitWith(137); // dies while netmgrd is down: nobody restarts it
        launcher.adoptable.put(launcher.started.get(0).pid, launcher.started.get(0));
        launcher.adoptable.put(launcher.started.get(2).pid, launcher.started.get(2));

        TaskSupervisor after = supervisor(); // netmgrd restarted: a new supervisor, same state directory
        after.adopt(List.of(new TaskSpec("web", 3, CMD)));

        assertThat(launcher.started).hasSize(4);
        assertThat(launcher.running()).extracting(p -> p.slot.name()).containsExactlyInAnyOrder("web.1", "web.2", "web.3");
        assertThat(after.status("web")).extracting(TaskStatus::pid).containsExactly(launcher.started.get(0).pid,
                launcher.started.get(3).pid, launcher.started.get(2).pid);
    }

    @Test
    void afterARestartAProcessWithARecycledPidIsNotTaken() {
        TaskSupervisor before = supervisor();
        before.apply(new TaskSpec("web", 1, CMD));
        FakeProcess p = launcher.started.get(0);
        launcher.adoptable.put(p.pid, new FakeProcess(p.slot, p.namespace, p.pid, p.startTime + 1)); // same pid, later start

        supervisor().adopt(List.of(new TaskSpec("web", 1, CMD)));

        assertThat(launcher.started).hasSize(2);
        assertThat(launcher.adoptable.get(p.pid).terminated).isFalse(); // the stranger is left alone
    }

    @Test
    void afterARestartTasksOfSlotsOrServicesNoLongerWantedAreStoppedAndTheirSandboxesRemoved() {
        TaskSupervisor before = supervisor();
        before.apply(new TaskSpec("web", 3, CMD));
        before.apply(new TaskSpec("gone", 1, CMD));
        launcher.started.forEach(p -> launcher.adoptable.put(p.pid, p));

        supervisor().adopt(List.of(new TaskSpec("web", 1, CMD))); // scaled to 1 and "gone" removed meanwhile

        assertThat(launcher.running()).extracting(p -> p.slot.name()).containsExactly("web.1");
        assertThat(sandboxes.made).containsExactly("web.1");
        assertThat(launcher.started).hasSize(4);
    }

    @Test
    void afterARestartTheSandboxOfATaskWaitingOutItsBackoffGoesWithItsRemovedService() {
        TaskSupervisor before = supervisor();
        before.apply(new TaskSpec("web", 2, CMD));
        launcher.started.get(1).exitWith(3); // web.2 waits out its back-off: no pid recorded
        before.tick();
        launcher.adoptable.put(launcher.started.get(0).pid, launcher.started.get(0));

        supervisor().adopt(List.of()); // the service was removed (kill -9 inside rm)

        assertThat(launcher.running()).isEmpty();
        assertThat(sandboxes.made).isEmpty();
        assertThat(state.resolve("tasks/web")).doesNotExist();
    }

    @Test
    void scaleToZeroKeepsTheServiceSupervised() {
        TaskSupervisor s = supervisor();
        s.apply(new TaskSpec("web", 2, CMD));
        s.apply(new TaskSpec("web", 0, CMD));

        assertThat(launcher.running()).isEmpty();
        assertThat(sandboxes.made).isEmpty();
        assertThat(s.supervises("web")).isTrue();
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static final class FakeProcess implements TaskProcess {
        final TaskSlot slot;
        final Path namespace;
        final long pid;
        final long startTime;
        TaskExit exit;
        boolean terminated;
        boolean killed;
        boolean ignoresSigterm;

        FakeProcess(TaskSlot slot, Path namespace, long pid, long startTime) {
            this.slot = slot;
            this.namespace = namespace;
            this.pid = pid;
            this.startTime = startTime;
        }

        void exitWith(int code) {
            exit = TaskExit.of(code);
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public long startTime() {
            return startTime;
        }

        @Override
        public Optional<TaskExit> exit() {
            return Optional.ofNullable(exit);
        }

        @Override
        public void terminate() {
            terminated = true;
            if (!ignoresSigterm) {
                exitWith(143);
            }
        }

        @Override
        public boolean awaitGone(Duration timeout) {
            return exit != null;
        }

        @Override
        public void kill() {
            killed = true;
            exitWith(137);
        }
    }

    static final class FakeLauncher implements TaskLauncher {
        final List<FakeProcess> started = new ArrayList<>();
        final Map<Long, FakeProcess> adoptable = new HashMap<>();
        private long nextPid = 1000;

        List<FakeProcess> running() {
            return started.stream().filter(p -> p.exit == null).toList();
        }

        @Override
        public TaskProcess start(TaskSlot slot, Path namespace, TaskCommand command, Path log) {
            FakeProcess p = new FakeProcess(slot, namespace, nextPid++, 7);
            started.add(p);
            return p;
        }

        @Override
        public Optional<TaskProcess> adopt(long pid, long startTime) {
            return Optional.ofNullable(adoptable.get(pid)).filter(p -> p.exit == null && p.startTime == startTime).map(p -> p);
        }
    }

    static final class FakeSandboxes implements TaskSandboxes {
        final Set<String> made = new TreeSet<>();
        String failing;

        @Override
        public Path ensure(TaskSlot slot) {
            if (failing != null) {
                throw new IllegalStateException(failing);
            }
            made.add(slot.name());
            return Path.of("/run/netns/" + slot.name());
        }

        @Override
        public void remove(TaskSlot slot) {
            made.remove(slot.name());
        }
    }
}
