package io.netmgr.store.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A real etcd cluster on this machine: Debian's {@code /usr/bin/etcd} started as 1 or 3 members
 * on loopback (or on addresses given), with ports picked free at run time and data in a temp dir,
 * for tests and for {@code netmgr demo --hosts 3}. It kills only the processes it started, by
 * their pid, and removes its data on {@link #close()}; a JVM that dies kills them from its
 * shutdown hook.
 */
public class LocalEtcd implements AutoCloseable {

    public static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(90);

    private final List<String> addresses;
    private final boolean tls;
    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Path dir;
    private Thread shutdownHook;

    protected LocalEtcd(List<String> addresses, boolean tls) {
        this.addresses = List.copyOf(addresses);
        this.tls = tls;
    }

    /**
     * The same members serving clients over TLS only, with client certificates required
     * ({@code --client-cert-auth}); a CA, a server and a client certificate are made for the run
     * with {@code openssl}. {@link #tls()} gives what a client needs.
     */
    public LocalEtcd withTls() {
        return new LocalEtcd(addresses, true);
    }

    /** The CA, client certificate and key (PKCS#8) a client presents to this cluster. */
    public EtcdTls tls() {
        if (!tls) {
            throw new IllegalStateException("this cluster serves plain HTTP; make it withTls()");
        }
        return new EtcdTls(dir.resolve("tls/ca.pem"), java.util.Optional.of(dir.resolve("tls/client.pem")),
                java.util.Optional.of(dir.resolve("tls/client.key")));
    }

    /** {@code count} members on 127.0.0.1. */
    public static LocalEtcd members(int count) {
        return on(IntStream.range(0, count).mapToObj(i -> "127.0.0.1").toList());
    }

    /** One member on each of {@code addresses} (the same address may repeat: ports differ). */
    public static LocalEtcd on(List<String> addresses) {
        return new LocalEtcd(addresses, false);
    }

    protected List<String> addresses() {
        return addresses;
    }

    /** Why etcd cannot be started here: empty when it can. */
    public static String missingReason() {
        return Files.isExecutable(ETCD) ? "" : ETCD + " is missing: install Debian's etcd-server (scripts/setup.sh)";
    }

    /** Starts every member and waits until each reports itself healthy. */
    public LocalEtcd start() {
        try {
            dir = Files.createTempDirectory("netmgr-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (tls) {
            makeCertificates(dir.resolve("tls"));
        }
        shutdownHook = new Thread(this::killAll, "netmgr-etcd-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // ports are picked free, then released for etcd to bind: another process (other tests run
        // at the same time) may take one meanwhile, so a start that finds a port taken is made again
        for (int attempt = 1; ; attempt++) {
            try {
                launchAll();
                return this;
            } catch (PortTaken e) {
                killAll();
                members.clear();
                if (attempt == 3) {
                    close();
                    throw new IllegalStateException("etcd could not bind its ports in 3 attempts: " + e.getMessage());
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
    }

    private void launchAll() {
        String token = "netmgr-" + UUID.randomUUID();
        List<ServerSocket> held = new ArrayList<>(); // held until all are picked, so no two members share a port
        try {
            for (int i = 0; i < addresses.size(); i++) {
                String a = addresses.get(i);
                members.add(new Member("m" + i, a, freePort(a, held), freePort(a, held), freePort(a, held),
                        dir.resolve("m" + i + "-" + token)));
            }
        } finally {
            held.forEach(LocalEtcd::closeQuietly);
        }
        String initialCluster = members.stream().map(m -> m.name + "=" + m.peerUrl()).collect(Collectors.joining(","));
        for (Member m : members) {
            m.initialCluster = initialCluster;
            m.token = token;
            m.launch();
        }
        for (int i = 0; i < members.size(); i++) {
            awaitHealthy(i);
        }
    }

    /** A member found one of its ports taken at start. */
    private static final class PortTaken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTaken(String message) {
            super(message);
        }
    }

    /** The cluster as {@code --cluster-store} takes it: {@code etcd://HOST:PORT,...}. */
    public String url() {
        return endpoints().toString();
    }

    public EtcdEndpoints endpoints() {
        return new EtcdEndpoints(members.stream().map(m -> hostPort(m.address, m.clientPort)).toList());
    }

    /** A store on this cluster whose keys live under {@code root}, so tests sharing the cluster do not meet. */
    public EtcdStore store(String root) {
        EtcdStore.Config config = new EtcdStore.Config(endpoints()).withRoot(root);
        return EtcdStore.connect(tls ? config.withTls(java.util.Optional.of(tls())) : config);
    }

    /** A store that talks to member {@code index} alone, so a call made through it went to that member. */
    public EtcdStore memberStore(int index, String root) {
        Member m = members.get(index);
        EtcdStore.Config config = new EtcdStore.Config(new EtcdEndpoints(List.of(hostPort(m.address, m.clientPort))),
                java.util.Optional.empty(), root, java.time.Duration.ofSeconds(4));
        return EtcdStore.connect(tls ? config.withTls(java.util.Optional.of(tls())) : config);
    }

    public int size() {
        return members.size();
    }

    /** The pid of member {@code index}'s etcd process. */
    public long pid(int index) {
        return members.get(index).process.pid();
    }

    /** Kills member {@code index} with SIGKILL and waits for it to be gone. */
    public void kill(int index) {
        members.get(index).kill();
    }

    /** Starts member {@code index} again on its data and ports and waits until the cluster is healthy through it. */
    public void restart(int index) {
        members.get(index).launch();
        awaitHealthy(index);
    }

    /** Kills a majority of the members (the first ones): the cluster has no quorum until {@link #restartDead()}. */
    public void stopQuorum() {
        for (int i = 0; i < members.size() / 2 + 1; i++) {
            kill(i);
        }
    }

    /** Starts every killed member again and waits until all are healthy. */
    public void restartDead() {
        List<Integer> dead = IntStream.range(0, members.size()).filter(i -> !members.get(i).alive()).boxed().toList();
        dead.forEach(i -> members.get(i).launch());
        for (int i = 0; i < members.size(); i++) {
            awaitHealthy(i);
        }
    }

    /** Waits until member {@code index} says the cluster is healthy (it has a leader and answers). */
    public void awaitHealthy(int index) {
        Member m = members.get(index);
        long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!m.alive()) {
                String log = m.logTail();
                if (log.contains("address already in use")) {
                    throw new PortTaken("etcd member " + m.name + ": " + log.lines().reduce((a, b) -> b).orElse(""));
                }
                throw new IllegalStateException("etcd member " + m.name + " exited (" + m.process.exitValue() + "): " + log);
            }
            if (healthy(m)) {
                return;
            }
            pause(100);
        }
        throw new IllegalStateException("etcd member " + m.name + " not healthy within " + HEALTHY_WITHIN + ": " + m.logTail());
    }

    private boolean healthy(Member m) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(m.healthUrl()))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills every member it started (by pid) and removes the data. */
    @Override
    public void close() {
        killAll();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
            shutdownHook = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dir = null;
        }
        members.clear();
    }

    private void killAll() {
        members.forEach(Member::kill);
    }

    // a CA, and signed by it a certificate for the members (for their addresses) and one for clients
    private void makeCertificates(Path out) {
        try {
            Files.createDirectories(out);
            String sans = "subjectAltName=" + addresses.stream().distinct().map(a -> "IP:" + a).collect(Collectors.joining(","));
            Files.writeString(out.resolve("server.ext"), sans + "\n");
            openssl(out, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "ca.key", "-out", "ca.pem", "-subj", "/CN=netmgr-test-ca", "-days", "2");
            for (String who : List.of("server", "client")) {
                openssl(out, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=netmgr-test-" + who);
                List<String> sign = new ArrayList<>(List.of("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                        "-CAcreateserial", "-out", who + ".pem", "-days", "2"));
                if (who.equals("server")) {
                    sign.addAll(List.of("-extfile", "server.ext"));
                }
                openssl(out, sign.toArray(String[]::new));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort(String address, List<ServerSocket> held) {
        try {
            ServerSocket socket = new ServerSocket();
            held.add(socket);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // it was only holding a port
        }
    }

    private static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private final class Member {
        final String name;
        final String address;
        final int clientPort;
        final int peerPort;
        final int healthPort;
        final Path data;
        String initialCluster;
        String token;
        Process process;

        Member(String name, String address, int clientPort, int peerPort, int healthPort, Path data) {
            this.name = name;
            this.address = address;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.healthPort = healthPort;
            this.data = data;
        }

        String clientUrl() {
            return (tls ? "https://" : "http://") + hostPort(address, clientPort);
        }

        // /health on a plain HTTP port of its own, so the fixture needs no client certificate
        String healthUrl() {
            return "http://" + hostPort(address, healthPort) + "/health";
        }

        String peerUrl() {
            return "http://" + hostPort(address, peerPort);
        }

        Path log() {
            return data.resolveSibling(data.getFileName() + ".log");
        }

        void launch() {
            if (alive()) {
                throw new IllegalStateException("etcd member " + name + " is running");
            }
            // on a restart the data dir holds the membership; the initial-cluster flags are then ignored
            List<String> command = new ArrayList<>(List.of(ETCD.toString(),
                    "--name", name,
                    "--data-dir", data.toString(),
                    "--listen-client-urls", clientUrl(),
                    "--advertise-client-urls", clientUrl(),
                    "--listen-peer-urls", peerUrl(),
                    "--initial-advertise-peer-urls", peerUrl(),
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-token", token,
                    "--initial-cluster-state", "new",
                    "--listen-metrics-urls", "http://" + hostPort(address, healthPort)));
            if (tls) {
                Path certs = dir.resolve("tls");
                command.addAll(List.of("--cert-file", certs.resolve("server.pem").toString(),
                        "--key-file", certs.resolve("server.key").toString(),
                        "--trusted-ca-file", certs.resolve("ca.pem").toString(), "--client-cert-auth"));
            }
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + ETCD, e);
            }
        }

        boolean alive() {
            return process != null && process.isAlive();
        }

        void kill() {
            if (process == null) {
                return;
            }
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log());
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }
    }
}
