package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's main job: netmgrd started on the embedded store in a temp dir, bound to a fresh
 * namespace that plays the host, then driven by the very CLI commands a user types (each shown
 * before its output): a network, two sandboxes, a published port; TCP between the sandboxes and
 * through the published port; then everything removed, the daemon stopped (SIGTERM, by its pid)
 * and the namespace deleted, also on failure. The machine's own interfaces and rules are never
 * touched.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start netmgrd (embedded store, temp dir, a namespace playing the host) and show netmgr working "
                + "through the CLI: a network, two sandboxes, a published port answering, a service of three tasks behind "
                + "a virtual IP; remove everything. Needs root and busybox.")
final class DemoCommand implements Callable<Integer> {
    private static final int PORT = 80;
    private static final int PUBLISHED = 8080;

    @Option(names = "--subnet", description = "Subnet of the demo network (default: ${DEFAULT-VALUE}).",
            defaultValue = "10.200.0.0/24")
    String subnet;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        IpPrefix prefix = IpPrefix.parse(subnet, "--subnet");
        if (prefix.family() != IpFamily.V4 || prefix.length() > 29) {
            throw new IllegalArgumentException("--subnet " + subnet + ": give an IPv4 subnet of /29 or larger, e.g. 10.200.0.0/24");
        }
        long start = System.nanoTime();
        String hostName = "nm-demo-host-" + Long.toHexString(ProcessHandle.current().pid());
        Path dir = Files.createTempDirectory("netmgr-demo-");
        Path socket = dir.resolve("netmgr.sock");
        NetNs host = NetNs.create(hostName);
        Process daemon = null;
        try {
            try (NetlinkHandle h = NetlinkHandle.open(host)) {
                h.links().setUp("lo"); // a host has its loopback up: ports published on 127.0.0.1 answer there
            }
            daemon = startDaemon(dir, socket, hostName);
            DaemonClient client = DaemonClient.connect("unix://" + socket, Map.of());
            out.printf("netmgrd started: pid %d, socket %s, state in %s/state, host namespace %s%n", daemon.pid(), socket,
                    dir, host.path());
            out.printf("  (a namespace plays the host: this machine's interfaces and rules are not touched)%n%n");
            String cli = "-H unix://" + socket;
            out.printf("$ export NETMGR_HOST=unix://%s   # the CLI below talks to that daemon%n", socket);
            netmgr(cli, "network", "create", "--subnet", subnet, "demo");
            netmgr(cli, "sandbox", "create", "web");
            netmgr(cli, "sandbox", "create", "client");
            netmgr(cli, "network", "connect", "-p", PUBLISHED + ":" + PORT, "demo", "web");
            netmgr(cli, "network", "connect", "demo", "client");
            netmgr(cli, "network", "ls");
            netmgr(cli, "sandbox", "ls");
            out.println();
            traffic(client, host);
            out.println();
            new DemoService(client, args -> netmgr(cli, args.toArray(String[]::new)), out).show("demo", host, "client");
            out.println();
            netmgr(cli, "sandbox", "rm", "web", "client");
            netmgr(cli, "network", "rm", "demo");
        } finally {
            if (daemon != null) {
                removeLeftovers(socket); // after a failure half-way: the sandboxes' namespaces live outside the host's
                daemon.destroy(); // SIGTERM: the daemon stops serving and leaves what is left as it is
                if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
                int exit = daemon.waitFor();
                out.printf("netmgrd stopped (%s); its log was in the temp dir, now removed%n",
                        exit == 143 ? "SIGTERM" : "exit " + exit); // 143 = 128 + SIGTERM, the JVM's exit on it
            }
            host.close();
            NetNs.delete(hostName); // takes the bridges and rules made in it along
            deleteTree(dir);
        }
        out.printf("done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return 0;
    }

    /** netmgrd in a child JVM on this JVM's class path, bound to the namespace playing the host. */
    private Process startDaemon(Path dir, Path socket, String hostName) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.netmgr.daemon.Netmgrd", "--socket", socket.toString(), "--state-dir", dir.resolve("state").toString(),
                "--host-netns", hostName));
        if (Runtime.version().feature() < 22) {
            command.remove("--enable-native-access=ALL-UNNAMED");
        }
        Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("netmgrd.log").toFile()).start();
        DaemonClient client = DaemonClient.connect("unix://" + socket, Map.of());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                client.get("/v1/networks"); // JSON, unlike /_ping's plain OK
                return daemon;
            } catch (RuntimeException notYet) {
                if (!daemon.isAlive() || System.nanoTime() > deadline) {
                    daemon.destroyForcibly();
                    throw new IllegalStateException("netmgrd did not start: " + Files.readString(dir.resolve("netmgrd.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Best effort, quietly: what the steps made is gone already unless one of them failed. */
    private static void removeLeftovers(Path socket) {
        DaemonClient client = DaemonClient.connect("unix://" + socket, Map.of());
        for (String path : List.of("/v1/services/" + DemoService.NAME, "/v1/sandboxes/web", "/v1/sandboxes/client", "/v1/networks/demo")) {
            try {
                client.delete(path);
            } catch (RuntimeException alreadyGone) {
                // not found, or the daemon is down: nothing more to do here
            }
        }
    }

    /** One CLI command, shown as a user would type it, run in this process with its output as printed. */
    private void netmgr(String hostOption, String... args) {
        out.println("$ netmgr " + java.util.Arrays.stream(args).map(DemoCommand::shellWord).collect(java.util.stream.Collectors.joining(" ")));
        List<String> all = new ArrayList<>(List.of(hostOption.split(" ")));
        all.addAll(List.of(args));
        int exit = NetmgrCli.run(all.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("netmgr " + String.join(" ", args) + " failed with exit code " + exit);
        }
    }

    /** {@code arg} as a user would type it in a shell: quoted when it holds a space or a $. */
    private static String shellWord(String arg) {
        return arg.matches("[A-Za-z0-9_./:=,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /**
     * A TCP echo server in sandbox web (as a container's process would be), and clients: the
     * other sandbox straight to it, the host through 127.0.0.1:8080, and the client sandbox
     * through the gateway's published port.
     */
    private void traffic(DaemonClient client, NetNs host) throws IOException {
        IpAddress web = ipv4(client, "web");
        IpAddress from = ipv4(client, "client");
        IpAddress gateway = IpAddress.parse(client.get("/v1/networks/demo").path("pools").get(0).path("gateway").asText());
        try (NetNs webNs = NetNs.openPath(Path.of(client.get("/v1/sandboxes/web").path("namespacePath").asText()));
             NetNs clientNs = NetNs.openPath(Path.of(client.get("/v1/sandboxes/client").path("namespacePath").asText()));
             ServerSocket listener = webNs.call(() -> new ServerSocket(PORT, 50, web.toInetAddress()))) {
            Thread echo = new Thread(() -> echo(listener), "demo-echo");
            echo.setDaemon(true);
            echo.start();
            out.printf("# an echo server listens in sandbox web on %s:%d%n", web.uriHost(), PORT);
            exchange("client -> web", clientNs, web, PORT, "hello from " + from);
            exchange("host -> 127.0.0.1 (published)", host, IpAddress.of(InetAddress.getLoopbackAddress()), PUBLISHED, "hello from the host");
            exchange("client -> gateway (published)", clientNs, gateway, PUBLISHED, "hello from " + from);
        }
    }

    private static IpAddress ipv4(DaemonClient client, String sandbox) {
        for (JsonNode e : client.get("/v1/endpoints?sandbox=" + sandbox)) {
            for (JsonNode a : e.path("addresses")) {
                IpNet net = IpNet.parse(a.asText());
                if (!net.isIpv6()) {
                    return net.address();
                }
            }
        }
        throw new IllegalStateException("sandbox " + sandbox + " has no IPv4 address");
    }

    /** Sends a line from {@code client} (a namespace) to {@code ip:port} and checks it comes back. */
    private void exchange(String what, NetNs client, IpAddress ip, int port, String message) {
        long t0 = System.nanoTime();
        // the client socket is made and connected on its namespace's own thread
        String reply = client.call(() -> send(ip.toInetAddress(), port, message));
        long micros = (System.nanoTime() - t0) / 1000;
        if (!reply.equals(message)) {
            throw new IllegalStateException(what + ": echo returned '" + reply + "', expected '" + message + "'");
        }
        out.printf("TCP %-30s %s:%d  \"%s\" echoed back in %.1f ms%n", what, ip.uriHost(), port, reply,
                micros / 1000.0);
    }

    private static String send(InetAddress ip, int port, String message) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 3000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void echo(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
                in.transferTo(o);
            } catch (IOException e) {
                // closed, or a client failed: that client reports it
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + dir, e);
        }
    }
}
