package io.netmgr.daemon.task;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each service's tasks as desired: slots 1..N run a process in their own sandbox; a task
 * that exits is restarted after a {@link Backoff}; slots above N are stopped (SIGTERM, SIGKILL
 * after the grace period) and their sandboxes removed. The kernel and processes are behind
 * {@link TaskSandboxes} and {@link TaskLauncher}, so the rules are unit-tested with fakes.
 * Every method holds the supervisor's lock: one change at a time.
 */
public final class TaskSupervisor {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSupervisor.class);

    private final TaskLauncher launcher;
    private final TaskSandboxes sandboxes;
    private final TaskFiles files;
    private final Backoff backoff;
    private final Duration grace;
    private final Clock clock;
    private final Map<String, TaskSpec> desired = new TreeMap<>();
    private final Map<TaskSlot, Task> tasks = new TreeMap<>();
    private volatile Runnable changed = () -> { };

    public TaskSupervisor(TaskLauncher launcher, TaskSandboxes sandboxes, TaskFiles files, Backoff backoff, Duration grace,
                          Clock clock) {
        this.launcher = launcher;
        this.sandboxes = sandboxes;
        this.files = files;
        this.backoff = backoff;
        this.grace = grace;
        this.clock = clock;
    }

    /** A slot's life as the supervisor sees it. */
    private static final class Task {
        final TaskSlot slot;
        TaskProcess process;
        Instant startedAt;
        Instant since;
        Instant nextStart;
        int restarts;
        int failuresInARow;
        TaskExit lastExit;
        boolean everStarted;

        Task(TaskSlot slot, Instant now) {
            this.slot = slot;
            this.since = now;
            this.nextStart = now;
        }
    }

    /**
     * After a restart of netmgrd: the processes recorded for the slots {@code specs} still run here
     * are adopted when they are the very processes started then (pid and start time); the others
     * recorded (a slot scaled away, a service removed while netmgrd was down) are stopped and
     * their sandboxes removed; then the missing tasks start.
     */
    public synchronized void adopt(List<TaskSpec> specs) {
        Instant now = clock.instant();
        Map<String, TaskSpec> wanted = new HashMap<>();
        specs.forEach(s -> wanted.put(s.service(), s));
        List<TaskProcess> strays = new ArrayList<>();
        List<TaskSlot> strayed = new ArrayList<>();
        for (TaskSlot slot : files.recorded()) {
            Optional<TaskProcess> running = files.pid(slot).flatMap(r -> launcher.adopt(r.pid(), r.startTime()));
            TaskSpec spec = wanted.get(slot.service());
            if (spec != null && spec.runs(slot.slot()) && running.isPresent()) {
                Task t = new Task(slot, now);
                t.process = running.get();
                t.startedAt = now;
                t.everStarted = true;
                tasks.put(slot, t);
                LOG.info("task {}: adopted its running process {}", slot.name(), t.process.pid());
            } else {
                running.ifPresent(strays::add);
                strayed.add(slot);
            }
        }
        stop(strays);
        strayed.forEach(files::forgetPid);
        // every slot that ever started has a log: the sandboxes of slots no longer wanted go,
        // whether their task ran at the crash or waited out a back-off
        for (String service : files.services()) {
            TaskSpec spec = wanted.get(service);
            for (TaskSlot slot : files.logged(service)) {
                if (spec == null || !spec.runs(slot.slot())) {
                    sandboxes.remove(slot);
                }
            }
            if (spec == null) {
                files.removeService(service);
            }
        }
        specs.forEach(this::apply);
    }

    /**
     * Makes {@code spec} the desired state of its service and converges to it now: the slots it
     * runs here start, the others (scaled away, or assigned to another host) stop.
     */
    public synchronized void apply(TaskSpec spec) {
        desired.put(spec.service(), spec);
        Instant now = clock.instant();
        List<Task> surplus = tasks.values().stream()
                .filter(t -> t.slot.service().equals(spec.service()) && !spec.runs(t.slot.slot())).toList();
        remove(surplus);
        for (int i : spec.slots()) {
            tasks.computeIfAbsent(new TaskSlot(spec.service(), i), s -> new Task(s, now));
        }
        tick();
    }

    /** Stops every task of {@code service}, removes their sandboxes and files, and forgets the service. */
    public synchronized void remove(String service) {
        desired.remove(service);
        remove(tasks.values().stream().filter(t -> t.slot.service().equals(service)).toList());
        files.removeService(service);
    }

    /**
     * Calls {@code listener} (holding the supervisor's lock: it must only take note) whenever a
     * round notes an exit or starts a task: what {@link #status} shows changed without any call
     * from outside. Those who publish the status follow it instead of polling.
     */
    public void onChange(Runnable listener) {
        this.changed = listener;
    }

    /** Whether netmgrd runs tasks for {@code service}. */
    public synchronized boolean supervises(String service) {
        return desired.containsKey(service);
    }

    /**
     * One round: exits are noted and their back-off scheduled; tasks whose time has come are
     * started. Called after every change and periodically.
     */
    public synchronized void tick() {
        Instant now = clock.instant();
        boolean changes = false;
        for (Task t : tasks.values()) {
            if (t.process != null) {
                Optional<TaskExit> exit = t.process.exit();
                if (exit.isPresent()) {
                    exited(t, exit.get(), now);
                    changes = true;
                }
            }
        }
        for (Task t : tasks.values()) {
            if (t.process == null && !now.isBefore(t.nextStart)) {
                start(t, now);
                changes = true;
            }
        }
        if (changes) {
            changed.run();
        }
    }

    /**
     * The tasks of {@code service}, by slot, as the last {@link #tick()} left them (at most a
     * {@link TaskLoop} period old). Only reads: asking never starts a task.
     */
    public synchronized List<TaskStatus> status(String service) {
        return tasks.values().stream().filter(t -> t.slot.service().equals(service)).map(t -> new TaskStatus(t.slot.name(),
                t.slot.slot(), t.process != null ? "running" : t.everStarted || t.lastExit != null ? "restarting" : "starting",
                t.process != null ? t.process.pid() : null, t.restarts, t.lastExit == null ? null : t.lastExit.toString(), t.since.toString(),
                t.process != null ? null : t.nextStart.toString())).toList();
    }

    private void exited(Task t, TaskExit exit, Instant now) {
        Duration ran = Duration.between(t.startedAt, now);
        t.failuresInARow = backoff.wasStable(ran) ? 1 : t.failuresInARow + 1;
        t.lastExit = exit;
        t.process = null;
        t.since = now;
        t.nextStart = now.plus(backoff.delay(t.failuresInARow));
        files.forgetPid(t.slot);
        LOG.info("task {}: {} after {} ms; restarting in {} ms", t.slot.name(), exit, ran.toMillis(),
                backoff.delay(t.failuresInARow).toMillis());
    }

    private void start(Task t, Instant now) {
        if (t.everStarted) {
            t.restarts++;
        }
        t.everStarted = true;
        TaskSpec spec = desired.get(t.slot.service());
        try {
            var log = files.prepareLog(t.slot); // first: a crash after the sandbox is made leaves a log that finds it
            var namespace = sandboxes.ensure(t.slot);
            t.process = launcher.start(t.slot, namespace, spec.command(), log);
            files.recordPid(t.slot, t.process.pid(), t.process.startTime());
            t.startedAt = now;
            t.since = now;
        } catch (IOException | RuntimeException e) {
            // shown by ps and retried with back-off: a sandbox or a launch failing now may not later
            t.startedAt = now;
            exited(t, TaskExit.failedToStart(e.getMessage()), now);
        }
    }

    /** Stops the tasks' processes (all at once), removes their sandboxes and pid files. */
    private void remove(List<Task> going) {
        stop(going.stream().map(t -> t.process).filter(p -> p != null).toList());
        for (Task t : going) {
            files.forgetPid(t.slot);
            sandboxes.remove(t.slot);
            tasks.remove(t.slot);
        }
    }

    private void stop(List<TaskProcess> processes) {
        processes.forEach(TaskProcess::terminate);
        Instant deadline = clock.instant().plus(grace);
        try {
            for (TaskProcess p : processes) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (!p.awaitGone(left.isNegative() ? Duration.ZERO : left)) {
                    LOG.warn("task process {} still runs {} ms after SIGTERM: SIGKILL", p.pid(), grace.toMillis());
                    p.kill();
                    p.awaitGone(grace);
                }
            }
        } catch (InterruptedException e) {
            processes.forEach(TaskProcess::kill);
            Thread.currentThread().interrupt();
        }
    }
}
