package io.netmgr.tests;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A dockerd of the test's own (Debian's docker.io), never the machine's: own data root, exec
 * root, socket, pid file and config, run in the test's namespace playing the host, so its
 * containers' namespaces and links never touch the machine's. It runs in a mount namespace of
 * its own where {@code /run} is a private tmpfs holding only {@code /run/docker/plugins}, a bind
 * mount of the test's plugin directory: dockerd looks for plugin sockets there and nowhere else,
 * so it finds the test's netmgrd and no other. Its containers' namespace files
 * ({@code <exec-root>/netns}) sit on a shared mount, so netmgrd, in the machine's mount
 * namespace, sees them as dockerd makes them. Stopped by the pid this test started; every mount
 * it left is unmounted and its directories removed.
 */
final class DockerDaemon implements AutoCloseable {
    static final String IMAGE = "netmgr-busybox:test";
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    final Path dir;
    final Path socket;
    final Path pluginDir;
    private final Path execRoot;
    private final Path netnsDir;
    private final Path log;
    private final Path hostNamespace;
    private Process process;

    DockerDaemon(Path dir, Path socket, Path pluginDir, Path hostNamespace) {
        this.dir = dir;
        this.socket = socket;
        this.pluginDir = pluginDir;
        this.execRoot = dir.resolve("exec");
        this.netnsDir = execRoot.resolve("netns");
        this.log = dir.resolve("dockerd.log");
        this.hostNamespace = hostNamespace;
    }

    /** Whether this machine can run the tests: dockerd, the docker CLI, nsenter, unshare and a static busybox. */
    static boolean available() {
        return Stream.of("/usr/sbin/dockerd", "/usr/bin/nsenter", "/usr/bin/unshare").allMatch(p -> Files.isExecutable(Path.of(p)))
                && DockerCli.path() != null && Files.isExecutable(BUSYBOX);
    }

    String host() {
        return "unix://" + socket;
    }

    /** Starts dockerd and waits until it answers; the first start also makes the shared mount for its namespaces. */
    DockerDaemon start() throws IOException, InterruptedException {
        Files.createDirectories(netnsDir);
        Files.createDirectories(pluginDir);
        Files.createDirectories(socket.getParent());
        if (!mounted(netnsDir)) {
            sh("mount --bind '" + netnsDir + "' '" + netnsDir + "' && mount --make-shared '" + netnsDir + "'");
        }
        Files.writeString(dir.resolve("daemon.json"), "{}");
        Files.deleteIfExists(socket); // a dockerd of an earlier run that died left it
        String dockerd = String.join(" ", "exec /usr/sbin/dockerd", "--data-root", q(dir.resolve("data")), "--exec-root", q(execRoot),
                "--host", q("unix://" + socket), "--pidfile", q(dir.resolve("docker.pid")), "--config-file", q(dir.resolve("daemon.json")),
                "--iptables=false", "--ip-masq=false", "--userland-proxy=false", "--bridge=none", "--storage-driver=vfs",
                "--shutdown-timeout=2");
        String inMountNs = "mount -t tmpfs tmpfs /run && mkdir -p /run/docker/plugins && mount --bind " + q(pluginDir)
                + " /run/docker/plugins && " + dockerd;
        // each step execs the next: the process this test started is dockerd itself
        process = new ProcessBuilder("/usr/bin/nsenter", "--net=" + hostNamespace, "/usr/bin/unshare", "--mount",
                "--propagation", "unchanged", "/bin/sh", "-c", inMountNs)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // generous: 2 cores shared with other builds
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("dockerd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (answers() && docker("version").exit() == 0) {
                return this;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("dockerd did not answer on " + socket + " within 120 s:\n" + Files.readString(log));
    }

    /** Imports a one-binary busybox root filesystem as {@link #IMAGE}: no registry is reachable here. */
    void importBusybox() throws IOException, InterruptedException {
        if (docker("image", "inspect", IMAGE).exit() == 0) {
            return;
        }
        Path rootfs = dir.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("www"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String applet : List.of("sh", "nc", "httpd", "sleep", "ip", "cat", "echo", "printf", "head", "nslookup", "wget")) {
            Files.deleteIfExists(rootfs.resolve("bin").resolve(applet));
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(applet), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("www/index.html"), "served by a container on netmgr\n");
        var imported = sh("tar -C " + q(rootfs) + " -c . | " + DockerCli.path() + " -H " + q(host()) + " import - " + IMAGE);
        if (imported.exit() != 0) {
            throw new AssertionError("docker import failed: " + imported.err());
        }
    }

    Distribution.Result docker(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("-H", host()));
        all.addAll(List.of(args));
        return Distribution.run(DockerCli.path(), Map.of("DOCKER_CONFIG", dir.resolve("cli").toString()), all.toArray(String[]::new));
    }

    /** SIGTERM to the dockerd this test started, and wait: it stops its containers (2 s each at most) and its containerd. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Stops dockerd, unmounts what is left under {@link #dir} in this mount namespace, removes the directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stop();
        } finally {
            List<String> points = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                    .filter(p -> p.startsWith(dir.toString())).sorted(Comparator.reverseOrder()).toList();
            for (String p : points) {
                sh("umount -l '" + p + "'");
            }
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private boolean answers() {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean mounted(Path point) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(point.toString()));
    }

    static Distribution.Result sh(String script) throws IOException, InterruptedException {
        return Distribution.run(Path.of("/bin/sh"), Map.of(), "-c", script);
    }

    private static String q(Object path) {
        return "'" + path + "'";
    }
}
