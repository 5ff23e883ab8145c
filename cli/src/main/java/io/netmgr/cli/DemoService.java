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
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The demo's service part: three tasks netmgrd runs (busybox's nc, answering each connection with
 * its task's name) behind a virtual IP, its name resolved in sandbox {@code client}, reached from
 * there and through a published port on the host's 127.0.0.1, with the connections each task
 * answered counted.
 */
final class DemoService {
    static final String NAME = "hello";
    static final int PORT = 80;
    static final int PUBLISHED = 8081;
    private static final int CONNECTIONS = 30;
    static final List<String> COMMAND = List.of("busybox", "nc", "-ll", "-p", Integer.toString(PORT), "-e", "sh", "-c",
            "echo hello from $NETMGR_TASK_NAME");

    private final DaemonClient client;
    private final Consumer<List<String>> netmgr;
    private final PrintStream out;

    DemoService(DaemonClient client, Consumer<List<String>> netmgr, PrintStream out) {
        this.client = client;
        this.netmgr = netmgr;
        this.out = out;
    }

    /** The service made, shown working, and removed; {@code host} plays the host, {@code clientSandbox} is on the network. */
    void show(String network, NetNs host, String clientSandbox) throws IOException {
        List<String> create = new java.util.ArrayList<>(List.of("service", "create", NAME, "--network", network, "--replicas", "3",
                "-p", PUBLISHED + ":" + PORT, "--"));
        create.addAll(COMMAND);
        netmgr.accept(create);
        netmgr.accept(List.of("service", "ps", NAME));
        // the service's name resolves in the client sandbox through its resolv.conf (netmgr's resolver): to the VIP
        netmgr.accept(List.of("sandbox", "exec", clientSandbox, "getent", "hosts", NAME));
        IpAddress vip = IpNet.parse(client.get("/v1/services/" + NAME).path("vips").get(0).path("address").asText()).address();
        out.printf("# each task answers a connection with its name; %d connections each way:%n", CONNECTIONS);
        try (NetNs clientNs = NetNs.openPath(Path.of(client.get("/v1/sandboxes/" + clientSandbox).path("namespacePath").asText()))) {
            spread("client -> " + NAME + " (VIP)", clientNs, vip, PORT);
        }
        spread("host -> 127.0.0.1 (published)", host, IpAddress.of(InetAddress.getLoopbackAddress()), PUBLISHED);
        netmgr.accept(List.of("service", "rm", NAME));
    }

    /** Opens {@link #CONNECTIONS} connections from {@code from} to {@code ip:port}, one after the other; prints who answered how often. */
    private void spread(String what, NetNs from, IpAddress ip, int port) {
        long t0 = System.nanoTime();
        Map<String, Integer> answers = new TreeMap<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            String answer = from.call(() -> ask(ip.toInetAddress(), port));
            answers.merge(answer.replace("hello from ", ""), 1, Integer::sum);
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
