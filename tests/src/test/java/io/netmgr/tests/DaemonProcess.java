package io.netmgr.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.client.UnixHttpClient;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The built {@code bin/netmgrd}, started by a test on its own socket and state dir with a test
 * namespace as its host; stopped with SIGTERM to the pid this test started, never by name.
 */
final class DaemonProcess implements AutoCloseable {
    final Path socket;
    final Path stateDir;
    /** What netmgrd writes on stderr: its log, and the JVM's warnings. */
    final Path log;
    /** What netmgrd writes on stdout, apart: a running daemon writes nothing there. */
    final Path stdout;
    private final String hostNetns;
    private final Map<String, String> environment;
    private final List<String> extraArgs = new java.util.ArrayList<>();
    private Process process;
    private Path home = Distribution.HOME;
    long readyMillis;

    DaemonProcess(Path dir, String hostNetns) {
        this(dir, hostNetns, Map.of());
    }

    /** With {@code environment} added to the launcher's (NETMGR_JAVA, NETMGR_CDS_DIR...). */
    DaemonProcess(Path dir, String hostNetns, Map<String, String> environment) {
        this(dir, hostNetns, environment, List.of());
    }

    /** With {@code extraArgs} after the socket, state dir and host namespace (--cluster-store...). */
    DaemonProcess(Path dir, String hostNetns, Map<String, String> environment, List<String> extraArgs) {
        this.extraArgs.addAll(extraArgs);
        this.socket = dir.resolve("netmgr.sock");
        this.stateDir = dir.resolve("state");
        this.log = dir.resolve("netmgrd.log");
        this.stdout = dir.resolve("netmgrd.stdout");
        this.hostNetns = hostNetns;
        this.environment = Map.copyOf(environment);
    }

    /** Starts the netmgrd of the install at {@code home} instead of the built distribution's. */
    DaemonProcess installedAt(Path home) {
        this.home = home;
        return this;
    }

    /** Starts with {@code args} after the usual ones (e.g. --docker-plugin PATH). */
    DaemonProcess withArgs(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    String host() {
        return "unix://" + socket;
    }

    /** Starts netmgrd and waits until its socket accepts connections. */
    DaemonProcess start() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/netmgrd").toString(), "--socket",
                socket.toString(), "--state-dir", stateDir.toString(), "--host-netns", hostNetns));
        command.addAll(extraArgs);
        ProcessBuilder launch = new ProcessBuilder(command);
        launch.environment().putAll(environment);
        process = launch.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile())).start();
        // generous: on 2 cores shared with other builds a JVM has taken over 30 s to start
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("netmgrd exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            if (answers()) {
                readyMillis = (System.nanoTime() - t0) / 1_000_000;
                return this;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("netmgrd did not listen on " + socket + " within 120 s:\n" + Files.readString(log));
    }

    private boolean answers() {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    long pid() {
        return process.pid();
    }

    /**
     * SIGTERM (Process.destroy on Linux) and wait; returns the exit code. The first daemon of a
     * run writes the launcher's class data sharing archive as it exits, a second JVM on JDK 25:
     * on a busy machine that takes a while, so the wait is long.
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("netmgrd " + process.pid() + " ignored SIGTERM for 120 s");
        }
        return process.exitValue();
    }

    /** SIGKILL to the pid this test started, as a crash: nothing of netmgrd's runs after it, the lease is not revoked. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("netmgrd " + process.pid() + " outlived SIGKILL for 60 s");
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the daemon, first removing the sandboxes a test left behind (a failed assertion
     * skips its own cleanup): their namespaces are mounted in /run/netns, outside the test's
     * temp dir, and would outlive it.
     */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            removeLeftSandboxes();
            stop();
        }
    }

    private void removeLeftSandboxes() {
        UnixHttpClient http = new UnixHttpClient(socket);
        try {
            for (JsonNode sandbox : new ObjectMapper().readTree(http.send("GET", "/v1/sandboxes", null).body())) {
                http.send("DELETE", "/v1/sandboxes/" + sandbox.path("id").asText(), null);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("could not remove the sandboxes left in " + stateDir + ": " + e);
        }
    }
}
