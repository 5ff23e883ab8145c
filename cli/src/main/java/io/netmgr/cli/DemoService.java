package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The demo's service part: three tasks netmgrd runs (busybox's nc, answering each connection with
 * its task's name) behind a virtual IP, its name resolved in a client sandbox, reached from there
 * and through a published port, with the connections each task answered counted. On one host the
 * port is reached on the host's 127.0.0.1; across hosts the tasks are spread over them and the
 * port is reached on every host's address from outside (the routing mesh), each task named with
 * the host running it.
 */
final class DemoService {
    static final String NAME = "hello";
    static final int PORT = 80;
    static final int PUBLISHED = 8081;
    private static final int CONNECTIONS = 30;
    private static final int REPLICAS = 3;
    static final List<String> COMMAND = List.of("busybox", "nc", "-ll", "-p", Integer.toString(PORT), "-e", "sh", "-c",
            "echo hello from $NETMGR_TASK_NAME");

    /** A daemon the demo types commands to: the prompt shown before them, and the daemon. */
    record Host(String prompt, DemoDaemon daemon) {
        void netmgr(DemoShell shell, String... args) {
            shell.netmgr(prompt, daemon.host(), List.of(args));
        }
    }

    private final DemoShell shell;
    private final PrintStream out;

    DemoService(DemoShell shell, PrintStream out) {
        this.shell = shell;
        this.out = out;
    }

    /** On one host: {@code host} plays it ({@code hostNs}), {@code clientSandbox} is on {@code network}. */
    void show(Host host, NetNs hostNs, String network, String clientSandbox) throws IOException {
        create(host, network);
        host.netmgr(shell, "service", "ps", NAME);
        resolveAndReach(host, clientSandbox, Map.of());
        spread("host -> 127.0.0.1 (published)", hostNs, IpAddress.of(InetAddress.getLoopbackAddress()), PUBLISHED, Map.of());
        host.netmgr(shell, "service", "rm", NAME);
    }

    /**
     * Across {@code hosts} (at {@code addresses}): created on the first, its tasks spread over them,
     * listed on the second, reached from {@code clientSandbox} on {@code clientHost} and on every
     * host's address from {@code outside}, removed on the last.
     */
    void showAcrossHosts(List<Host> hosts, List<IpAddress> addresses, NetNs outside, String network, Host clientHost,
                         String clientSandbox) throws IOException, InterruptedException {
        create(hosts.get(0), network);
        Map<String, String> hostOf = awaitRunning(hosts.get(0).daemon().client);
        out.printf("# the %d tasks run on %d hosts; each host runs those the cluster store assigns to it%n", REPLICAS,
                hostOf.values().stream().distinct().count());
        hosts.get(1).netmgr(shell, "service", "ps", NAME);
        resolveAndReach(clientHost, clientSandbox, hostOf);
        out.printf("# the published port answers on every host, whichever tasks it runs (the routing mesh), from outside:%n");
        for (int i = 0; i < hosts.size(); i++) {
            spread("outside -> " + hosts.get(i).prompt().replace("$", "") + " (published)", outside, addresses.get(i), PUBLISHED, hostOf);
        }
        hosts.get(hosts.size() - 1).netmgr(shell, "service", "rm", NAME);
    }

    private void create(Host host, String network) {
        List<String> create = new ArrayList<>(List.of("service", "create", NAME, "--network", network, "--replicas",
                Integer.toString(REPLICAS), "-p", PUBLISHED + ":" + PORT, "--"));
        create.addAll(COMMAND);
        shell.netmgr(host.prompt(), host.daemon().host(), create);
    }

    // the service's name resolves in the client sandbox through its resolv.conf (netmgr's resolver): to the VIP
    private void resolveAndReach(Host host, String clientSandbox, Map<String, String> hostOf) throws IOException {
        host.netmgr(shell, "sandbox", "exec", clientSandbox, "getent", "hosts", NAME);
        DaemonClient client = host.daemon().client;
        IpAddress vip = IpNet.parse(client.get("/v1/services/" + NAME).path("vips").get(0).path("address").asText()).address();
        out.printf("# each task answers a connection with its name; %d connections each way:%n", CONNECTIONS);
        try (NetNs clientNs = DemoTraffic.namespaceOf(client, clientSandbox)) {
            spread("client -> " + NAME + " (VIP)", clientNs, vip, PORT, hostOf);
        }
    }

    /** Waits until every task runs; returns each task's host (by name). */
    private static Map<String, String> awaitRunning(DaemonClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            JsonNode tasks = client.get("/v1/services/" + NAME + "/tasks");
            Map<String, String> hostOf = new HashMap<>();
            tasks.forEach(t -> {
                if (t.path("state").asText().equals("running")) {
                    hostOf.put(t.path("name").asText(), t.path("host").asText());
                }
            });
            if (hostOf.size() == REPLICAS) {
                return hostOf;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the tasks of " + NAME + " did not all run within 90 s: " + tasks);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Opens {@link #CONNECTIONS} connections from {@code from} to {@code ip:port}, one after the
     * other; prints who answered how often (with the task's host, from {@code hostOf}, when given).
     */
    private void spread(String what, NetNs from, IpAddress ip, int port, Map<String, String> hostOf) {
        long t0 = System.nanoTime();
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            String answer = from.call(() -> ask(ip.toInetAddress(), port)).replace("hello from ", "");
            answers.merge(hostOf.containsKey(answer) ? answer + " (on " + hostOf.get(answer) + ")" : answer, 1, Integer::sum);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (answers.size() < 2) {
            throw new IllegalStateException(what + ": every connection reached " + answers.keySet() + ", not spread over the tasks");
        }
        out.printf("TCP %-32s %s:%d  answered by %s in %d ms%n", what, ip.uriHost(), port,
                answers.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")), ms);
    }

    /** One connection's answer; a task that has just started may not listen yet, so refusals are retried for a while. */
    private static String ask(InetAddress ip, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 3000);
                s.setSoTimeout(5000);
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!answer.isEmpty()) {
                    return answer;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no answer from " + ip.getHostAddress() + ":" + port + " within 20 s");
            }
            Thread.sleep(50);
        }
    }
}
