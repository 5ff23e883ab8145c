package io.netmgr.daemon.task;

import io.netmgr.core.cluster.HostInfo;
import io.netmgr.core.cluster.HostListener;
import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.cluster.HostsById;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Watch;
import io.netmgr.daemon.task.TaskPlacement.Assignment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's part in running clustered services' tasks, as a swarm node's: it follows the slot
 * assignments in the cluster store and has the {@link TaskSupervisor} run exactly the slots
 * assigned to this host (stopping those moved elsewhere, as a host back from the dead does),
 * reports its tasks' states there under its lease, and, when a host's lease ends, takes part in
 * moving its slots to the alive hosts ({@link TaskAssignments#place}: a compare-and-swap per slot,
 * so exactly one survivor moves each). One thread does it all, in rounds, each woken by what can
 * change its outcome, and only then: the store's watches on the specs and the slots (a round
 * reads both once), host events (a round that also places), and its supervisor's changes (a task
 * exited or started: a round that only publishes the reports, reading nothing). The watches deliver
 * every change or say they cannot (compaction: a round that reads everything again), so no round
 * runs on a timer; only a round that failed (the store out of reach) is tried again after
 * {@link #RETRY}, since nothing else may come to wake it.
 */
public final class ClusterTasks implements HostListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterTasks.class);
    static final Duration RETRY = Duration.ofMillis(500);

    private final Store cluster;
    private final HostRegistry registry;
    private final TaskSpecStore specs;
    private final TaskAssignments assignments;
    private final TaskSupervisor supervisor;
    // only the loop thread touches these (and mine(), before it starts)
    private final Map<String, TaskSpec> applied = new HashMap<>();
    private final Map<String, String> serviceIds = new HashMap<>();
    // the reports last written, by the loop and cleared by resync(): under their own lock
    private final Map<String, byte[]> published = new HashMap<>();
    private final Object signal = new Object();
    // what the next round must do; the first round does it all
    private boolean readDue = true;
    private boolean placeDue = true;
    private boolean publishDue = true;
    private volatile boolean running = true;
    private final List<Watch> watches = new ArrayList<>();
    private Thread thread;

    public ClusterTasks(Store cluster, HostRegistry registry, TaskSpecStore specs, TaskSupervisor supervisor) {
        this.cluster = cluster;
        this.registry = registry;
        this.specs = specs;
        this.assignments = new TaskAssignments(cluster);
        this.supervisor = supervisor;
    }

    /** The clustered services' specs, each with only the slots assigned to this host: what it runs (adopts, at start). */
    public List<TaskSpec> mine() {
        List<TaskSpec> mine = new ArrayList<>();
        Map<String, Map<Integer, Assignment>> all = assignments.assignments();
        for (TaskSpecStore.Stored s : specs.clustered()) {
            TaskSpec spec = here(s, all);
            mine.add(spec);
            applied.put(s.service(), spec);
            serviceIds.put(s.service(), s.serviceId());
        }
        return mine;
    }

    /** Starts following the assignments and the hosts. */
    public void start() {
        supervisor.onChange(this::tasksChanged);
        long revision = cluster.revision();
        watches.add(cluster.watch(TaskAssignments.SLOTS, revision, e -> wake(false), compacted -> wake(true)));
        watches.add(cluster.watch(TaskSpecStore.CLUSTER_PREFIX, revision, e -> wake(true), compacted -> wake(true)));
        registry.addListener(this);
        thread = new Thread(this::loop, "netmgrd-cluster-tasks");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Assigns the slots of every clustered service now (after a create or scale, before answering).
     * The spec is stored already: if the store fails here, the loop places them as soon as it answers.
     */
    public void place() {
        try {
            assignments.place(specs.clustered());
            wake(false);
        } catch (RuntimeException e) {
            LOG.warn("placing tasks failed (the next round tries again): {}", e.getMessage());
            wake(true);
        }
    }

    /**
     * Removes service {@code serviceId}'s tasks on every host; returns once none is reported any
     * more, or false after {@code patience}. The reports are read again only when the store's watch
     * says they changed (a host withdrew one, or its lease took them), not polled.
     */
    public boolean removeEverywhere(String serviceId, Duration patience) throws InterruptedException {
        Semaphore changes = new Semaphore(0);
        // watched before the rm, so that no withdrawal can come between the rm and the watch
        try (Watch w = cluster.watch(TaskAssignments.STATUS + serviceId + "/", cluster.revision(), e -> changes.release(),
                compacted -> changes.release())) {
            assignments.removeService(serviceId);
            wake(false);
            long deadline = System.nanoTime() + patience.toNanos();
            while (!assignments.reported(serviceId).isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !changes.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    return false;
                }
                changes.drainPermits(); // one read for every change delivered meanwhile
            }
            return true;
        }
    }

    /**
     * Every slot of service {@code serviceId} with its host's advertise address: as that host reports
     * it, or {@code assigned} until it does ({@code host down} while its slot waits to move).
     */
    public List<TaskStatus> status(String serviceId, String service) {
        Map<Integer, String> slots = assignments.slotsOf(serviceId);
        List<TaskAssignments.Reported> reports = assignments.reported(serviceId);
        HostsById hosts = registry.hostsById();
        List<TaskStatus> all = new ArrayList<>();
        new TreeMap<>(slots).forEach((slot, host) -> {
            String address = hosts.address(host);
            boolean alive = hosts.alive(host);
            Optional<TaskStatus> reported = reports.stream().filter(r -> r.host().equals(host) && r.status().slot() == slot)
                    .map(TaskAssignments.Reported::status).findFirst();
            all.add(reported.map(r -> r.onHost(address)).orElseGet(() -> new TaskStatus(new TaskSlot(service, slot).name(), slot,
                    alive ? "assigned" : "host down", null, 0, null, null, null, address)));
        });
        return all;
    }

    @Override
    public void hostGone(HostInfo host) {
        LOG.info("host {} ({}) is down: its tasks move to the alive hosts", host.hostId(), host.advertiseAddress());
        wake(true);
    }

    @Override
    public void resync() {
        synchronized (published) {
            published.clear(); // under the new lease, every report is written again
        }
        wake(true);
    }

    // the specs or the slots changed: read them again, and place too when {@code place}
    private void wake(boolean place) {
        synchronized (signal) {
            readDue = true;
            placeDue |= place;
            signal.notifyAll();
        }
    }

    // on the supervisor's thread, holding its lock: only take note
    private void tasksChanged() {
        synchronized (signal) {
            publishDue = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            boolean read;
            boolean place;
            synchronized (signal) {
                try {
                    while (!readDue && !placeDue && !publishDue) {
                        signal.wait();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                read = readDue;
                place = placeDue;
                readDue = false;
                placeDue = false;
                publishDue = false;
            }
            try {
                round(read, place);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("clustered tasks: a round failed (tried again in {} ms): {}", RETRY.toMillis(), e.getMessage());
                synchronized (signal) {
                    readDue = true;
                    placeDue |= place;
                    try {
                        signal.wait(RETRY.toMillis()); // an event meanwhile tries at once
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * One round: with {@code read}, the specs and the slots read once, placed on that view with
     * {@code place} (the moves it makes come back by the slots' watch, for the next round), and
     * the supervisor made to run this host's slots; then this host's reports published (written
     * only where they changed). Package-private: tests run rounds themselves.
     */
    void round(boolean read, boolean place) {
        if (read || place) {
            List<TaskSpecStore.Stored> clustered = specs.clustered();
            Map<String, Map<Integer, Assignment>> assigned = assignments.assignments();
            if (place && !assignments.place(clustered, assigned, new ArrayList<>())) {
                wake(true); // still losing races to other hosts' moves: place again
            }
            converge(clustered, assigned);
        }
        publish();
    }

    // the supervisor runs exactly the slots assigned here
    private void converge(List<TaskSpecStore.Stored> clustered, Map<String, Map<Integer, Assignment>> all) {
        Set<String> wanted = new HashSet<>();
        for (TaskSpecStore.Stored s : clustered) {
            TaskSpec spec = here(s, all);
            wanted.add(s.service());
            serviceIds.put(s.service(), s.serviceId());
            if (!spec.equals(applied.get(s.service()))) {
                LOG.info("service {}: this host runs slot(s) {} of {}", s.service(), spec.slots(), s.replicas());
                supervisor.apply(spec);
                applied.put(s.service(), spec);
            }
        }
        for (String gone : new ArrayList<>(applied.keySet())) {
            if (!wanted.contains(gone)) {
                LOG.info("service {}: removed, its tasks here stop", gone);
                supervisor.remove(gone);
                applied.remove(gone);
                serviceIds.remove(gone);
            }
        }
    }

    // service s as this host runs it: the slots assigned here
    private TaskSpec here(TaskSpecStore.Stored s, Map<String, Map<Integer, Assignment>> all) {
        Set<Integer> slots = new HashSet<>();
        all.getOrDefault(s.serviceId(), Map.of()).forEach((slot, a) -> {
            if (a.host().equals(registry.hostId()) && slot <= s.replicas()) {
                slots.add(slot);
            }
        });
        return s.spec().onlySlots(slots);
    }

    private void publish() {
        Map<String, List<TaskStatus>> mine = new HashMap<>();
        applied.keySet().forEach(name -> mine.put(serviceIds.get(name), supervisor.status(name)));
        // not under the signal's lock: a store write may wait on etcd, and the supervisor's note of a
        // task exit (tasksChanged, under its own lock) must never wait behind it
        synchronized (published) {
            assignments.publish(registry.hostId(), registry.lease(), mine, published);
        }
    }

    /** Stops following; the tasks keep running (a restart within the lease adopts them) and the reports expire with the lease. */
    @Override
    public void close() {
        running = false;
        watches.forEach(Watch::close);
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
