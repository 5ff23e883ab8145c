package io.netmgr.daemon.task;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.service.Service;
import io.netmgr.core.service.ServiceController;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.daemon.DaemonCluster;
import io.netmgr.daemon.DaemonOperations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services whose tasks netmgrd runs ({@code service create --replicas N -- CMD}): what the API
 * does for create, scale, rm, ps and logs, over the {@link ServiceController} (the service, its
 * VIPs and backends), the {@link TaskSpecStore} (the desired tasks) and the
 * {@link TaskSupervisor} (the processes).
 */
public final class ServiceTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceTasks.class);
    /** docker stop's grace period: SIGTERM, then SIGKILL after it. */
    public static final Duration GRACE = Duration.ofSeconds(10);

    private final ServiceController services;
    private final TaskSpecStore specs;
    private final TaskSupervisor supervisor;
    private final TaskLogs logs;
    private final String searchPath;
    private final TaskLoop loop;
    private final Optional<ClusterTasks> cluster;
    private final Optional<ClusterLogs> clusterLogs;
    private final Predicate<Service> clustered;

    private ServiceTasks(ServiceController services, TaskSpecStore specs, TaskSupervisor supervisor, TaskLogs logs,
                         String searchPath, Optional<ClusterTasks> cluster, Optional<ClusterLogs> clusterLogs,
                         Predicate<Service> clustered) {
        this.services = services;
        this.specs = specs;
        this.supervisor = supervisor;
        this.logs = logs;
        this.searchPath = searchPath;
        this.loop = new TaskLoop(supervisor, Duration.ofMillis(250));
        this.cluster = cluster;
        this.clusterLogs = clusterLogs;
        this.clustered = clustered;
    }

    /**
     * Supervision of every service's tasks, with the state under {@code stateDir/tasks}: the
     * processes an earlier netmgrd started are adopted, those no longer wanted stopped, the
     * missing ones started. {@code sandboxDns}: netmgrd's resolver answers in sandboxes (a task
     * then starts once its sandbox's resolv.conf is written). With {@code cluster}, services on
     * global networks have their tasks spread over the cluster's hosts ({@link ClusterTasks}), and
     * this host runs those assigned to it.
     */
    public static ServiceTasks start(DaemonOperations ops, ServiceController services, Store store, Path stateDir,
                                     boolean sandboxDns, Optional<DaemonCluster> cluster) {
        String searchPath = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        TaskFiles files = new TaskFiles(stateDir.resolve("tasks"));
        TaskSupervisor supervisor = new TaskSupervisor(new NamespaceLauncher(searchPath), new ServiceTaskSandboxes(ops, services, sandboxDns),
                files, Backoff.DEFAULT, GRACE, Clock.systemUTC());
        TaskSpecStore specs = new TaskSpecStore(cluster.<Store>map(c -> new ScopedStore(store, c.store())).orElse(store));
        Set<String> serviceIds = services.services().stream().map(Service::id).collect(Collectors.toSet());
        List<TaskSpec> wanted = new ArrayList<>(specs.all().stream().filter(s -> !s.clustered()).filter(s -> {
            if (serviceIds.contains(s.serviceId())) {
                return true;
            }
            specs.remove(s.serviceId()); // its service went while netmgrd was down (kill -9 inside rm): tasks go too
            return false;
        }).map(TaskSpecStore.Stored::spec).toList());
        Optional<ClusterTasks> clusterTasks = cluster.map(c -> new ClusterTasks(c.store(), c.registry(), specs, supervisor));
        clusterTasks.ifPresent(c -> wanted.addAll(c.mine()));
        supervisor.adopt(wanted);
        wanted.forEach(s -> LOG.info("service {}: {} task(s) of {} here: slot(s) {}", s.service(), s.replicas(), s.command().argv(),
                s.slots()));
        clusterTasks.ifPresent(ClusterTasks::start);
        Predicate<Service> onGlobalNetworks = service -> cluster.isPresent() && services.isGlobal(service);
        TaskLogs logs = new TaskLogs(files);
        Optional<ClusterLogs> clusterLogs = cluster.map(c -> new ClusterLogs(c.store(), c.registry(), logs).start());
        return new ServiceTasks(services, specs, supervisor, logs, searchPath, clusterTasks, clusterLogs, onGlobalNetworks);
    }

    /**
     * Creates a service and, with {@code tasks}, starts its tasks. The command is checked
     * first (it must be an executable program), so a service whose tasks could never start
     * is refused and nothing is made.
     */
    public Service create(ServiceSpec spec, Optional<TaskRequest> tasks) {
        tasks.ifPresent(t -> {
            if (t.replicas() < 0) {
                throw new IllegalArgumentException("replicas: " + t.replicas() + " is negative; give 0 or more");
            }
            t.command().executable(searchPath);
        });
        Service service = services.create(spec);
        if (tasks.isEmpty()) {
            return service;
        }
        TaskSpec desired = new TaskSpec(service.name(), tasks.get().replicas(), tasks.get().command());
        boolean spread = clustered.test(service);
        try {
            specs.put(service.id(), services.keyOf(service), desired, spread);
        } catch (RuntimeException e) {
            try {
                services.remove(service.id());
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
        run(desired, spread);
        return service;
    }

    /** What {@code --replicas N -- CMD} asks for. */
    public record TaskRequest(int replicas, TaskCommand command) {
    }

    /** Runs {@code replicas} tasks of service {@code ref}; returns when the surplus ones are stopped and the new ones started. */
    public Service scale(String ref, int replicas) {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas: " + replicas + " is negative; give 0 or more");
        }
        Service service = services.service(ref);
        TaskSpecStore.Stored stored = specs.of(service.id()).orElseThrow(() -> NetmgrException.invalid("service " + service.name()
                + " runs no tasks of netmgr's (it was created without --replicas N -- COMMAND), so it cannot be scaled; "
                + "its backends are the sandboxes attached to it (netmgr service attach / detach)"));
        TaskSpec desired = new TaskSpec(service.name(), replicas, new TaskCommand(stored.command()));
        specs.put(service.id(), services.keyOf(service), desired, stored.clustered());
        run(desired, stored.clustered());
        return service;
    }

    // on this host; or, clustered, the slots assigned to the hosts now (each host starts its own as it sees them)
    private void run(TaskSpec desired, boolean spread) {
        if (spread) {
            cluster.orElseThrow().place();
        } else {
            supervisor.apply(desired);
        }
    }

    /** Removes service {@code ref}: its tasks are stopped and their sandboxes removed first, then the service itself. */
    public Service remove(String ref) {
        Service service = services.service(ref);
        Optional<TaskSpecStore.Stored> stored = specs.of(service.id());
        if (stored.isPresent() && stored.get().clustered()) {
            removeEverywhere(service);
        } else if (stored.isPresent()) {
            // desired state first: after a kill -9 half-way, the next netmgrd stops what is left
            specs.remove(service.id());
            supervisor.remove(service.name());
        }
        services.remove(service.id());
        return service;
    }

    // the spec and the slots go at once; each host stops its tasks as it sees that, and the service goes once none is left
    private void removeEverywhere(Service service) {
        Duration patience = GRACE.plus(Duration.ofSeconds(20)); // a task's grace period, and a host's round and lease
        try {
            if (!cluster.orElseThrow().removeEverywhere(service.id(), patience)) {
                LOG.warn("service {}: some host still reports tasks {} s after rm; they stop as it sees the rm", service.name(),
                        patience.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the service's tasks stopped", e);
        }
    }

    /** The tasks of service {@code ref} (none for a service netmgr runs no tasks for); clustered, every host's, with its host. */
    public List<TaskStatus> tasks(String ref) {
        Service service = services.service(ref);
        if (cluster.isPresent() && specs.of(service.id()).map(TaskSpecStore.Stored::clustered).orElse(false)) {
            return cluster.get().status(service.id(), service.name());
        }
        return supervisor.status(service.name());
    }

    /** The desired tasks of service {@code ref}, if netmgr runs them. */
    public Optional<TaskSpec> desired(String ref) {
        return specs.of(services.service(ref).id()).map(TaskSpecStore.Stored::spec);
    }

    /**
     * A reader of service {@code ref}'s task logs ({@code follow}: for a reader that keeps following);
     * clustered, of its tasks on every host. Refused for a service netmgr runs no tasks for.
     */
    public LogStream logs(String ref, Optional<Integer> slot, int tail, boolean follow) {
        Service service = services.service(ref);
        TaskSpecStore.Stored stored = specs.of(service.id()).orElseThrow(() -> NetmgrException.invalid("service " + service.name()
                + " runs no tasks of netmgr's (created without --replicas N -- COMMAND): its backends' output is wherever "
                + "their runtime keeps it"));
        if (slot.isPresent() && slot.get() > stored.replicas() && !logs.hasLog(new TaskSlot(service.name(), slot.get()))) {
            throw NetmgrException.notFound("service " + service.name() + " has no task " + slot.get() + " (it runs "
                    + stored.replicas() + ": " + service.name() + ".1 to " + service.name() + "." + stored.replicas() + ")");
        }
        if (stored.clustered() && clusterLogs.isPresent()) {
            return clusterLogs.get().open(service.id(), service.name(), slot, tail, follow);
        }
        return logs.open(service.name(), slot, tail);
    }

    /** Stops supervising; the tasks keep running, and the next netmgrd adopts them. */
    @Override
    public void close() {
        clusterLogs.ifPresent(ClusterLogs::close);
        cluster.ifPresent(ClusterTasks::close);
        loop.close();
    }
}
