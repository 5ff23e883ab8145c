package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.curl;
import static io.netmgr.tests.NetmgrdIT.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.client.UnixHttpClient;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services whose tasks netmgrd runs ({@code service create --replicas N -- CMD}), with the built
 * netmgrd and CLI: real processes in real sandboxes, found independently of netmgrd (in /proc, by
 * the environment it gives them, and by their network namespace), reached through the VIP.
 */
class ServiceTasksIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each task answers a connection with its own name: busybox's nc forks a shell per connection. */
    private static final List<String> SERVE_NAME = List.of("busybox", "nc", "-ll", "-p", "80", "-e", "sh", "-c",
            "echo $NETMGR_TASK_NAME");

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @RegisterExtension
    final TaskProcesses processes = new TaskProcesses();

    @TempDir
    Path dir;

    private final String service = "tk" + Long.toHexString(System.nanoTime() & 0xffffff);

    private String[] create(int replicas, List<String> command) {
        List<String> args = new ArrayList<>(List.of("service", "create", processes.add(service), "--network", "front",
                "--replicas", Integer.toString(replicas), "--"));
        args.addAll(command);
        return args.toArray(String[]::new);
    }

    private DaemonProcess daemonWithNetwork(String hostName, String subnet) throws Exception {
        DaemonProcess daemon = new DaemonProcess(dir, name(netns.create(hostName))).start();
        var net = cli(daemon, "network", "create", "--subnet", subnet, "front");
        assertThat(net.exit()).as(net.err()).isZero();
        return daemon;
    }

    @Test
    void replicasRunInTheirOwnSandboxesBehindTheVipAndScaleUpAndDown() throws Exception {
        try (DaemonProcess daemon = daemonWithNetwork("tkvip", "10.93.0.0/24")) {
            var created = cli(daemon, create(3, SERVE_NAME));
            assertThat(created.exit()).as(created.err()).isZero();
            assertTasks(daemon, 3);
            assertThat(cli(daemon, "sandbox", "create", "client").exit()).isZero();
            assertThat(cli(daemon, "network", "connect", "front", "client").exit()).isZero();

            Map<String, Integer> answers = spread(daemon, 30);
            assertThat(answers.keySet()).containsExactlyInAnyOrder(service + ".1", service + ".2", service + ".3");

            var up = cli(daemon, "service", "scale", service + "=5");
            assertThat(up.exit()).as(up.err()).isZero();
            assertThat(up.out()).isEqualTo(service + " scaled to 5\n");
            assertTasks(daemon, 5);

            List<String> namespacesBefore = taskNamespaces(daemon);
            var down = cli(daemon, "service", "scale", service + "=1");
            assertThat(down.exit()).as(down.err()).isZero();
            assertTasks(daemon, 1);
            assertThat(sandboxNames(daemon)).containsExactlyInAnyOrder("client", service + ".1");
            assertThat(namespacesBefore.subList(1, 5)).allSatisfy(p -> assertThat(Path.of(p)).doesNotExist());
            assertThat(spread(daemon, 5).keySet()).containsExactly(service + ".1");
        }
    }

    @Test
    void aTaskKilledFromOutsideIsRestartedAndAFailingOneShowsItsExitAndRestarts() throws Exception {
        try (DaemonProcess daemon = daemonWithNetwork("tkrst", "10.93.1.0/24")) {
            assertThat(cli(daemon, create(2, SERVE_NAME)).exit()).isZero();
            assertTasks(daemon, 2);
            long victim = task(daemon, 2).path("pid").asLong();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly(); // kill -9 from outside
            Eventually.waitFor("task 2 restarted with a new process", () -> {
                JsonNode t = task(daemon, 2);
                return t.path("state").asText().equals("running") && t.path("pid").asLong() != victim && t.path("restarts").asInt() == 1;
            });
            assertThat(task(daemon, 2).path("lastExit").asText()).isEqualTo("exit 137");
            assertTasks(daemon, 2);

            String failing = "tkf" + Long.toHexString(System.nanoTime() & 0xffffff);
            var f = cli(daemon, "service", "create", processes.add(failing), "--network", "front", "--replicas", "1", "--",
                    "sh", "-c", "echo about to fail; exit 3");
            assertThat(f.exit()).as(f.err()).isZero();
            Eventually.waitFor("the failing task restarted twice", () -> tasksOf(daemon, failing).get(0).path("restarts").asInt() >= 2);
            JsonNode t = tasksOf(daemon, failing).get(0);
            assertThat(t.path("lastExit").asText()).isEqualTo("exit 3");
            var ps = cli(daemon, "service", "ps", failing);
            assertThat(ps.exit()).as(ps.err()).isZero();
            assertThat(ps.out()).contains(failing + ".1").contains("exit 3");
            var logs = cli(daemon, "service", "logs", failing);
            assertThat(logs.exit()).as(logs.err()).isZero();
            assertThat(logs.out()).startsWith(failing + ".1 | about to fail\n" + failing + ".1 | about to fail\n");
            // -f: the lines of the next runs arrive on the open stream
            Process follow = new ProcessBuilder(Distribution.HOME.resolve("bin/netmgr").toString(), "-H", daemon.host(), "service",
                    "logs", "-f", "--tail", "0", failing).redirectErrorStream(true).start();
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(follow.getInputStream(), StandardCharsets.UTF_8));
                var next = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return lines.readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                // the back-off is 30 s at most: a generous deadline on a loaded machine
                assertThat(next.get(120, TimeUnit.SECONDS)).isEqualTo(failing + ".1 | about to fail");
            } finally {
                follow.destroyForcibly();
                follow.waitFor();
            }
            assertThat(cli(daemon, "service", "rm", failing).exit()).isZero();

            // a task resolves through its sandbox's resolv.conf, as sandbox exec does: netmgr's resolver
            String resolver = "tkr" + Long.toHexString(System.nanoTime() & 0xffffff);
            var r = cli(daemon, "service", "create", processes.add(resolver), "--network", "front", "--", "sh", "-c",
                    "cat /etc/resolv.conf; exec sleep 600");
            assertThat(r.exit()).as(r.err()).isZero();
            Eventually.waitFor("the task printed its resolv.conf", () -> get(daemon, "/v1/services/" + resolver + "/logs")
                    .contains("nameserver 127.0.0.11"));
            assertThat(cli(daemon, "service", "rm", resolver).exit()).isZero();
        }
    }

    @Test
    void rmLeavesNoSandboxProcessAddressOrRule() throws Exception {
        NetNs host = netns.create("tkrm");
        try (DaemonProcess daemon = new DaemonProcess(dir, name(host)).start()) {
            assertThat(cli(daemon, "network", "create", "--subnet", "10.93.2.0/24", "front").exit()).isZero();
            String rulesBefore = nft(host);
            var created = cli(daemon, create(3, SERVE_NAME));
            assertThat(created.exit()).as(created.err()).isZero();
            assertTasks(daemon, 3);
            String vip = vip(daemon);
            assertThat(nft(host)).contains(vip);
            List<String> namespaces = taskNamespaces(daemon);

            var rm = cli(daemon, "service", "rm", service);
            assertThat(rm.exit()).as(rm.err()).isZero();
            assertThat(TaskProcesses.of(service)).isEmpty();
            assertThat(sandboxNames(daemon)).isEmpty();
            assertThat(namespaces).allSatisfy(p -> assertThat(Path.of(p)).doesNotExist());
            assertThat(nft(host)).doesNotContain(vip);
            // the same rules as before the service (nft lists chains in the order they were made)
            assertThat(nft(host).lines().sorted().toList()).isEqualTo(rulesBefore.lines().sorted().toList());
            assertThat(json(curl(daemon, "GET", "/v1/endpoints", null).body())).isEmpty();
            assertThat(Files.exists(daemon.stateDir.resolve("tasks").resolve(service))).isFalse();
        }
    }

    @Test
    void afterKillNineAndARestartExactlyTheReplicasRunAndNothingLeaks() throws Exception {
        NetNs host = netns.create("tkkill");
        DaemonProcess first = new DaemonProcess(dir, name(host)).start();
        List<Long> before;
        try {
            assertThat(cli(first, "network", "create", "--subnet", "10.93.3.0/24", "front").exit()).isZero();
            assertThat(cli(first, create(3, SERVE_NAME)).exit()).isZero();
            assertTasks(first, 3);
            before = TaskProcesses.of(service);
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // kill -9 netmgrd
            ProcessHandle.of(first.pid()).ifPresent(h -> h.onExit().join());
        } finally {
            first.close();
        }
        assertThat(TaskProcesses.of(service)).containsExactlyInAnyOrderElementsOf(before); // tasks outlive their daemon
        ProcessHandle.of(before.get(1)).orElseThrow().destroyForcibly(); // one dies while netmgrd is down
        try (DaemonProcess again = new DaemonProcess(dir, name(host)).start()) {
            assertTasks(again, 3);
            List<Long> after = TaskProcesses.of(service);
            assertThat(after).contains(before.get(0), before.get(2)).doesNotContain(before.get(1)); // adopted, and one new
            assertThat(cli(again, "service", "scale", service + "=2").exit()).isZero();
            assertTasks(again, 2);
            assertThat(cli(again, "service", "rm", service).exit()).isZero();
            assertThat(TaskProcesses.of(service)).isEmpty();
        }
    }

    @Test
    void aCommandThatCannotStartIsRefusedAndChangesNothing() throws Exception {
        try (DaemonProcess daemon = daemonWithNetwork("tkbad", "10.93.4.0/24")) {
            var r = cli(daemon, create(2, List.of("no-such-program-here", "--serve")));
            assertThat(r.exit()).isNotZero();
            assertThat(r.err()).contains("command: no-such-program-here not found in netmgrd's PATH");
            Path notes = Files.writeString(dir.resolve("notes.txt"), "not a program");
            var text = cli(daemon, create(2, List.of(notes.toString())));
            assertThat(text.exit()).isNotZero();
            assertThat(text.err()).contains("command: " + notes + " is not an executable file");
            assertThat(json(curl(daemon, "GET", "/v1/services", null).body())).isEmpty();
            assertThat(sandboxNames(daemon)).isEmpty();

            var neg = cli(daemon, create(-1, SERVE_NAME));
            assertThat(neg.exit()).isNotZero();
            assertThat(neg.err()).contains("replicas").contains("-1");

            assertThat(cli(daemon, "service", "create", "plain", "--network", "front").exit()).isZero();
            var scale = cli(daemon, "service", "scale", "plain=3");
            assertThat(scale.exit()).isNotZero();
            assertThat(scale.err()).contains("service plain runs no tasks").contains("--replicas N -- COMMAND");
            assertThat(cli(daemon, "service", "rm", "plain").exit()).isZero();
        }
    }

    // ---- helpers

    /** Waits until exactly {@code n} tasks run, each a process of its own in its own sandbox's namespace. */
    private void assertTasks(DaemonProcess daemon, int n) throws Exception {
        Eventually.waitFor(n + " running tasks", () -> {
            List<JsonNode> tasks = tasksOf(daemon, service);
            return tasks.size() == n && tasks.stream().allMatch(t -> t.path("state").asText().equals("running"))
                    && TaskProcesses.of(service).size() == n;
        });
        Set<String> namespaces = new HashSet<>();
        for (JsonNode t : tasksOf(daemon, service)) {
            long pid = t.path("pid").asLong();
            String sandboxPath = sandbox(daemon, t.path("name").asText()).path("namespacePath").asText();
            assertThat(TaskProcesses.netns(pid)).as("task %s runs in its sandbox", t.path("name").asText())
                    .isEqualTo(TaskProcesses.netnsOfPath(sandboxPath));
            namespaces.add(TaskProcesses.netns(pid));
        }
        assertThat(namespaces).hasSize(n);
        assertThat(TaskProcesses.of(service)).containsExactlyInAnyOrderElementsOf(
                tasksOf(daemon, service).stream().map(t -> t.path("pid").asLong()).toList());
    }

    private Map<String, Integer> spread(DaemonProcess daemon, int connections) throws Exception {
        String vip = vip(daemon);
        Map<String, Integer> counts = new HashMap<>();
        try (NetNs client = NetNs.openPath(Path.of(sandbox(daemon, "client").path("namespacePath").asText()))) {
            for (int i = 0; i < connections; i++) {
                String name = client.call(() -> ask(InetAddress.getByName(vip), 80));
                counts.merge(name, 1, Integer::sum);
            }
        }
        return counts;
    }

    private static String ask(InetAddress ip, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 3000);
                s.setSoTimeout(10_000);
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                // a task just (re)started may not listen yet: ask again
            }
        }
    }

    private String vip(DaemonProcess daemon) throws Exception {
        return IpNet.parse(json(curl(daemon, "GET", "/v1/services/" + service, null).body()).path("vips").get(0)
                .path("address").asText()).address().toString();
    }

    private JsonNode task(DaemonProcess daemon, int slot) {
        return tasksOf(daemon, service).stream().filter(t -> t.path("slot").asInt() == slot).findFirst().orElseThrow();
    }

    private static List<JsonNode> tasksOf(DaemonProcess daemon, String service) {
        try {
            List<JsonNode> all = new ArrayList<>();
            json(get(daemon, "/v1/services/" + service + "/tasks")).forEach(all::add);
            return all;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode sandbox(DaemonProcess daemon, String name) throws Exception {
        return json(get(daemon, "/v1/sandboxes/" + name));
    }

    private static List<String> sandboxNames(DaemonProcess daemon) throws Exception {
        List<String> names = new ArrayList<>();
        json(get(daemon, "/v1/sandboxes")).forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    private List<String> taskNamespaces(DaemonProcess daemon) throws Exception {
        List<String> paths = new ArrayList<>();
        for (JsonNode t : tasksOf(daemon, service)) {
            paths.add(sandbox(daemon, t.path("name").asText()).path("namespacePath").asText());
        }
        return paths;
    }

    private static String nft(NetNs host) {
        return IpOracle.exec(host, "nft", "list", "ruleset");
    }

    /** A GET on the daemon's socket, in-process (the conditions above poll it often). */
    private static String get(DaemonProcess daemon, String path) {
        try {
            UnixHttpClient.Response r = new UnixHttpClient(daemon.socket).send("GET", path, null);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            return r.text();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

}
