package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.client.UnixHttpClient;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.store.etcd.EtcdStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A clustered service's tasks spread over three hosts (the built netmgrd per host namespace, a real
 * three-member etcd), driven with the CLI from different hosts: one task per host, really running
 * (found in /proc by the environment netmgrd gives it, in the namespace of its sandbox on its
 * host); a daemon restarted within its lease keeps its task; scale up and down from another host; a host killed with kill -9 has its slots moved to the
 * survivors after its lease, and once back stops what is no longer its own; rm leaves no process,
 * sandbox or endpoint on any host. {@code service logs} on one host shows (and follows) every host's tasks.
 */
class ClusteredTasksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SERVE_NAME = List.of("busybox", "nc", "-ll", "-p", "80", "-e", "sh", "-c",
            "echo $NETMGR_TASK_NAME");
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @RegisterExtension
    // host two's lease outlives a daemon restart (a JVM start takes longer than the default TTL under load)
    static final ClusterHosts CLUSTER = new ClusterHosts(3, Map.of(2, List.of("--cluster-lease-ttl", "60s")));

    @RegisterExtension
    final TaskProcesses processes = new TaskProcesses();

    private final String service = "ct" + Long.toHexString(System.nanoTime() & 0xffffff);

    @Test
    void tasksSpreadOverTheHostsScaleFromAnyHostMoveOffADeadHostAndLeaveNothingBehind() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        ClusterHosts.Host three = CLUSTER.hosts.get(2);
        var net = cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.98.0.0/24", "ovt");
        assertThat(net.exit()).as(net.err()).isZero();
        List<String> create = new ArrayList<>(List.of("service", "create", processes.add(service), "--network", "ovt",
                "--replicas", "3", "--"));
        create.addAll(SERVE_NAME);
        var created = cli(one.daemon, create.toArray(String[]::new));
        assertThat(created.exit()).as(created.err()).isZero();

        assertThat(runningPerHost(two, 3)).as("one task per host").containsOnlyKeys("198.51.100.1", "198.51.100.2", "198.51.100.3")
                .containsValues(1, 1, 1);
        var ps = cli(three.daemon, "service", "ps", service);
        assertThat(ps.out()).containsPattern("(?m)^" + service + "\\.1 +10\\.98\\.0\\.[0-9]+/24 +198\\.51\\.100\\.[123] +running ");

        // a restart within the lease: the task keeps running, adopted by the new netmgrd
        long onTwo = pidOn(one, "198.51.100.2");
        assertThat(two.daemon.stop()).isEqualTo(143);
        two.start();
        assertThat(runningPerHost(one, 3)).containsValues(1, 1, 1);
        assertThat(pidOn(one, "198.51.100.2")).as("the same process").isEqualTo(onTwo);

        var up = cli(two.daemon, "service", "scale", service + "=5");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(runningPerHost(one, 5).values()).containsExactlyInAnyOrder(2, 2, 1);

        var down = cli(three.daemon, "service", "scale", service + "=1");
        assertThat(down.exit()).as(down.err()).isZero();
        assertThat(runningPerHost(one, 1)).hasSize(1);
        assertThat(cli(one.daemon, "service", "scale", service + "=3").exit()).isZero();
        assertThat(runningPerHost(one, 3)).hasSize(3);

        // kill -9 host three's netmgrd, and its task (ours to kill: the host is "dead")
        JsonNode onThree = tasks(one).stream().filter(t -> t.path("host").asText().equals("198.51.100.3")).findFirst().orElseThrow();
        three.daemon.kill();
        ProcessHandle.of(onThree.path("pid").asLong()).ifPresent(task -> {
            task.destroyForcibly();
            task.onExit().join();
        });
        // until its lease ends, host three's last report stands (as a swarm node's until it is seen down)
        Eventually.waitFor("host three's slot moved", PATIENCE,
                () -> tasks(one).stream().noneMatch(t -> t.path("host").asText().equals("198.51.100.3")));
        Map<String, Integer> survivors = runningPerHost(one, 3);
        assertThat(survivors).as("slot %s moved to a survivor", onThree.path("slot").asInt())
                .containsOnlyKeys("198.51.100.1", "198.51.100.2");

        three.start(); // back: it adopts nothing (its slot is elsewhere) and removes that task's sandbox
        Eventually.waitFor("host three's sandbox of its old slot removed", PATIENCE, () -> sandboxes(three).isEmpty());
        assertThat(runningPerHost(two, 3)).containsOnlyKeys("198.51.100.1", "198.51.100.2");

        var rm = cli(three.daemon, "service", "rm", service);
        assertThat(rm.exit()).as(rm.err()).isZero();
        Eventually.waitFor("no task process left", PATIENCE, () -> TaskProcesses.of(service).isEmpty());
        for (ClusterHosts.Host h : CLUSTER.hosts) {
            assertThat(sandboxes(h)).as("sandboxes on host %d", h.number).isEmpty();
            assertThat(get(h, "/v1/endpoints")).as("endpoints on host %d", h.number).isEmpty();
        }
        assertThat(cli(two.daemon, "network", "rm", "ovt").exit()).isZero();
    }

    /**
     * {@code service logs} asked on one host shows the tasks of all three hosts, each line prefixed
     * with its task and host ({@code NAME.1@198.51.100.2 | ...}); {@code -n 1} the last line of each;
     * {@code -f} a line a task on another host prints after the command started, and a task a scale
     * adds meanwhile; and once the CLI is
     * killed, its requests to the other hosts are gone from etcd.
     */
    @Test
    void logsAskedOnOneHostShowEveryHostsTasksAndFollowThem() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        Path triggers = Files.createTempDirectory("ctlogs");
        try (EtcdStore etcd = CLUSTER.etcd.store("")) {
            var net = cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.98.1.0/24", "ovl");
            assertThat(net.exit()).as(net.err()).isZero();
            var created = cli(one.daemon, "service", "create", processes.add(service), "--network", "ovl", "--replicas", "3", "--",
                    "sh", "-c", "echo \"first of $NETMGR_TASK_NAME\"; echo \"second of $NETMGR_TASK_NAME\"; "
                            + "while [ ! -e " + triggers + "/$NETMGR_TASK_NAME ]; do sleep 0.2; done; "
                            + "echo \"later of $NETMGR_TASK_NAME\"; exec sleep 600");
            assertThat(created.exit()).as(created.err()).isZero();
            assertThat(runningPerHost(one, 3)).as("one task per host").containsValues(1, 1, 1);
            Map<String, String> hostOf = new TreeMap<>();
            tasks(one).forEach(t -> hostOf.put(t.path("name").asText(), t.path("host").asText()));

            List<String> all = new ArrayList<>();
            List<String> last = new ArrayList<>();
            hostOf.forEach((task, host) -> {
                all.add(task + "@" + host + " | first of " + task);
                all.add(task + "@" + host + " | second of " + task);
                last.add(task + "@" + host + " | second of " + task);
            });
            Eventually.waitFor("every task's two lines, from host one", PATIENCE, () -> lines(one, "service", "logs", service)
                    .containsAll(all));
            assertThat(lines(one, "service", "logs", service)).containsExactlyInAnyOrderElementsOf(all);
            assertThat(lines(one, "service", "logs", "-n", "1", service)).containsExactlyInAnyOrderElementsOf(last);

            String remote = hostOf.entrySet().stream().filter(e -> !e.getValue().equals(one.address.toString())).findFirst()
                    .orElseThrow().getKey();
            Process follow = new ProcessBuilder(Distribution.HOME.resolve("bin/netmgr").toString(), "-H", one.daemon.host(), "service",
                    "logs", "-f", service).redirectErrorStream(true).start();
            List<String> followed = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8))
                    .lines().forEach(followed::add));
            reader.start();
            try {
                Eventually.waitFor("the lines there were", PATIENCE, () -> followed.containsAll(all));
                assertThat(etcd.range("/netmgr/global/logs/requests/")).as("one request per other host").hasSize(2);
                Files.createFile(triggers.resolve(remote)); // the task on another host prints one more line
                String later = remote + "@" + hostOf.get(remote) + " | later of " + remote;
                Eventually.waitFor("the line printed after the command started", PATIENCE, () -> followed.contains(later));
                // a task started later (a scale), wherever it lands, is followed from its start
                assertThat(cli(one.daemon, "service", "scale", service + "=4").exit()).isZero();
                Eventually.waitFor("the new task's first line", PATIENCE, () -> followed.stream()
                        .anyMatch(l -> l.matches(service + "\\.4@198\\.51\\.100\\.[123] \\| first of " + service + "\\.4")));
            } finally {
                follow.destroy(); // the CLI, by its pid
                follow.waitFor();
                reader.join();
            }
            Eventually.waitFor("the requests and answers gone from etcd", PATIENCE,
                    () -> etcd.range("/netmgr/global/logs/").isEmpty());

            assertThat(cli(one.daemon, "service", "rm", service).exit()).isZero();
            Eventually.waitFor("no task process left", PATIENCE, () -> TaskProcesses.of(service).isEmpty());
            assertThat(cli(one.daemon, "network", "rm", "ovl").exit()).isZero();
        } finally {
            try (var files = Files.list(triggers)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(triggers);
        }
    }

    // the CLI's output lines, on host's daemon
    private static List<String> lines(ClusterHosts.Host host, String... args) {
        Distribution.Result r;
        try {
            r = cli(host.daemon, args);
        } catch (Exception e) {
            throw new IllegalStateException("netmgr " + String.join(" ", args) + " did not run", e);
        }
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().isEmpty() ? List.of() : List.of(r.out().split("\n"));
    }

    /**
     * Waits until {@code host}'s {@code service ps} shows {@code n} running tasks, each a process
     * in /proc with the service's environment, in its own sandbox's namespace on the host it names;
     * returns how many run on each host (by advertise address).
     */
    private Map<String, Integer> runningPerHost(ClusterHosts.Host host, int n) throws Exception {
        Eventually.waitFor(n + " running tasks", PATIENCE, () -> {
            List<JsonNode> tasks = tasks(host);
            return tasks.size() == n && tasks.stream().allMatch(t -> t.path("state").asText().equals("running"))
                    && TaskProcesses.of(service).size() == n;
        });
        Map<String, Integer> perHost = new TreeMap<>();
        List<Long> pids = new ArrayList<>();
        for (JsonNode t : tasks(host)) {
            String address = t.path("host").asText();
            ClusterHosts.Host runner = CLUSTER.hosts.stream().filter(h -> h.address.toString().equals(address)).findFirst()
                    .orElseThrow(() -> new AssertionError("task " + t + " names no host of the cluster"));
            JsonNode sandbox = get(runner, "/v1/sandboxes/" + t.path("name").asText());
            long pid = t.path("pid").asLong();
            assertThat(TaskProcesses.netns(pid)).as("task %s runs in its sandbox on %s", t.path("name").asText(), address)
                    .isEqualTo(TaskProcesses.netnsOfPath(sandbox.path("namespacePath").asText()));
            perHost.merge(address, 1, Integer::sum);
            pids.add(pid);
        }
        assertThat(TaskProcesses.of(service)).containsExactlyInAnyOrderElementsOf(pids);
        return perHost;
    }

    /** The pid of the task running on the host at {@code address}, as {@code host}'s ps shows it. */
    private long pidOn(ClusterHosts.Host host, String address) {
        return tasks(host).stream().filter(t -> t.path("host").asText().equals(address)).findFirst().orElseThrow()
                .path("pid").asLong();
    }

    private List<JsonNode> tasks(ClusterHosts.Host host) {
        List<JsonNode> all = new ArrayList<>();
        get(host, "/v1/services/" + service + "/tasks").forEach(all::add);
        return all;
    }

    private static List<String> sandboxes(ClusterHosts.Host host) {
        List<String> names = new ArrayList<>();
        get(host, "/v1/sandboxes").forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    /** A GET on the host's daemon socket, in-process (the conditions above poll it often). */
    private static JsonNode get(ClusterHosts.Host host, String path) {
        try {
            UnixHttpClient.Response r = new UnixHttpClient(host.daemon.socket).send("GET", path, null);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            return JSON.readTree(r.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
