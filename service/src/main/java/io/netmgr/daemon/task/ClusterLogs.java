package io.netmgr.daemon.task;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.cluster.HostsById;
import io.netmgr.core.store.Store;
import io.netmgr.daemon.task.LogExchange.Request;
import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code service logs} of a clustered service, asked on any host: the tasks this host runs are
 * read from its files as on one host; those of every other host are asked of it through the
 * {@link LogExchange} ({@link RemoteTaskLogs}); this host answers the others' requests
 * ({@link LogAnswers}). Each line carries its host's advertise address.
 */
public final class ClusterLogs implements AutoCloseable {
    /** How long a host has to answer before its tasks get a line saying it did not. */
    static final Duration PATIENCE = Duration.ofSeconds(5);
    static final String HOST_DOWN = "host is down";
    /** How often a follower reads the assignments again for tasks started since on other hosts. */
    static final Duration RESCAN = Duration.ofSeconds(2);

    private final Store cluster;
    private final HostRegistry registry;
    private final TaskLogs logs;
    private final TaskAssignments assignments;
    private final LogAnswers answers;

    public ClusterLogs(Store cluster, HostRegistry registry, TaskLogs logs) {
        this.cluster = cluster;
        this.registry = registry;
        this.logs = logs;
        this.assignments = new TaskAssignments(cluster);
        this.answers = new LogAnswers(cluster, registry.hostId(), registry::lease, logs);
    }

    /** Starts answering the other hosts' requests. */
    public ClusterLogs start() {
        answers.start();
        return this;
    }

    /**
     * The logs of service {@code service}'s tasks ({@code slot}: one task's only) wherever they run,
     * the last {@code tail} lines of each (negative: all). This host's tasks are those whose log is
     * here and whose slot is assigned to no other host (a slot scaled away keeps its log here, as on
     * one host); every other host is asked for the slots assigned to it. Following, the assignments
     * are read again every {@link #RESCAN}: a slot assigned since to another host (a scale, a move
     * off a dead host) is asked of it from its log's start, and one moved here is read from its
     * file's start, as a new task's log is.
     */
    public LogStream open(String serviceId, String service, Optional<Integer> slot, int tail, boolean follow) {
        Map<Integer, String> slots = slotsOf(serviceId, slot);
        Set<Integer> remote = new TreeSet<>();
        slots.forEach((s, host) -> {
            if (!host.equals(registry.hostId())) {
                remote.add(s);
            }
        });
        List<LogStream> streams = new ArrayList<>();
        TaskLogs.Cursor local = logs.open(service, s -> slot.map(only -> only == s).orElse(true) && !remote.contains(s), tail);
        streams.add(new OnHost(local, registry.self().advertiseAddress()));
        Asked asked = new Asked(serviceId, service, follow);
        streams.addAll(asked.more(slots, tail));
        if (!follow) {
            return new MergedLogStream(streams);
        }
        return new MergedLogStream(streams, () -> {
            Map<Integer, String> now = slotsOf(serviceId, slot);
            // a slot moved here since (off a dead host) is this host's again: its file is read from its start
            now.forEach((s, host) -> {
                if (host.equals(registry.hostId())) {
                    remote.remove(s);
                }
            });
            return asked.more(now, -1);
        }, RESCAN, System::nanoTime);
    }

    private Map<Integer, String> slotsOf(String serviceId, Optional<Integer> slot) {
        Map<Integer, String> slots = new TreeMap<>(assignments.slotsOf(serviceId));
        slot.ifPresent(s -> slots.keySet().retainAll(Set.of(s)));
        return slots;
    }

    /** The other hosts asked so far for one reader, by host and slot: each is asked once. */
    private final class Asked {
        private final String serviceId;
        private final String service;
        private final boolean follow;
        private final Set<String> pairs = new HashSet<>();

        Asked(String serviceId, String service, boolean follow) {
            this.serviceId = serviceId;
            this.service = service;
            this.follow = follow;
        }

        // a stream per other host with slots not asked of it yet: its answer, or a notice when it is down
        List<LogStream> more(Map<Integer, String> slots, int tail) {
            Map<String, Set<Integer>> fresh = new TreeMap<>();
            slots.forEach((s, host) -> {
                if (!host.equals(registry.hostId()) && pairs.add(host + "/" + s)) {
                    fresh.computeIfAbsent(host, h -> new TreeSet<>()).add(s);
                }
            });
            if (fresh.isEmpty()) {
                return List.of();
            }
            HostsById hosts = registry.hostsById();
            List<LogStream> streams = new ArrayList<>();
            try {
                fresh.forEach((host, theirs) -> {
                    String address = hosts.address(host);
                    if (!hosts.alive(host)) {
                        streams.add(new Notice(LogExchange.notice(service, theirs, HOST_DOWN, address)));
                    } else {
                        streams.add(RemoteTaskLogs.ask(cluster, host, address, new Request(serviceId, service, theirs, tail, follow),
                                registry.lease(), PATIENCE, System::nanoTime));
                    }
                });
            } catch (RuntimeException e) {
                streams.forEach(LogStream::close);
                throw e;
            }
            return streams;
        }
    }

    /** How many other hosts' requests this host answers now. */
    int answering() {
        return answers.answering();
    }

    /** Stops answering; this host's pending answers go with its lease or their askers. */
    @Override
    public void close() {
        answers.close();
    }

    /** A stream whose lines are tagged with the address of the host they were read on. */
    private record OnHost(LogStream lines, String address) implements LogStream {
        @Override
        public List<TaskLine> poll() {
            return lines.poll().stream().map(l -> l.onHost(address)).toList();
        }

        @Override
        public boolean complete() {
            return lines.complete();
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    /** Lines known at once (a notice for each task of a host that is down), returned by the first poll. */
    private static final class Notice implements LogStream {
        private List<TaskLine> lines;

        Notice(List<TaskLine> lines) {
            this.lines = lines;
        }

        @Override
        public List<TaskLine> poll() {
            List<TaskLine> once = lines;
            lines = List.of();
            return once;
        }

        @Override
        public boolean complete() {
            return lines.isEmpty();
        }

        @Override
        public void close() {
            lines = List.of();
        }
    }
}
