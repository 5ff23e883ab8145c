package io.netmgr.cli;

import io.netmgr.client.DaemonClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One netmgrd the demo starts: a child JVM on this JVM's class path, bound to the namespace
 * playing its host, with its socket, state and log in a directory of its own; stopped with
 * SIGTERM by the pid it started.
 */
final class DemoDaemon {
    final Path dir;
    final Path socket;
    final Process process;
    final DaemonClient client;

    private DemoDaemon(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("netmgr.sock");
        this.process = process;
        this.client = DaemonClient.connect(host(), Map.of());
    }

    /** What {@code -H} / {@code NETMGR_HOST} names to reach it. */
    String host() {
        return "unix://" + dir.resolve("netmgr.sock");
    }

    /** Starts netmgrd on {@code hostNamespace} with {@code extraArgs}, and waits until it answers. */
    static DemoDaemon start(Path dir, String hostNamespace, List<String> extraArgs) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.netmgr.daemon.Netmgrd", "--socket", dir.resolve("netmgr.sock").toString(), "--state-dir",
                dir.resolve("state").toString(), "--host-netns", hostNamespace));
        command.addAll(extraArgs);
        if (Runtime.version().feature() < 22) {
            command.remove("--enable-native-access=ALL-UNNAMED");
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("netmgrd.log").toFile()).start();
        DemoDaemon daemon = new DemoDaemon(dir, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                daemon.client.get("/v1/networks"); // JSON, unlike /_ping's plain OK
                return daemon;
            } catch (RuntimeException notYet) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    process.destroyForcibly();
                    throw new IllegalStateException("netmgrd did not start: " + Files.readString(dir.resolve("netmgrd.log")));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Best effort, quietly: what the steps made is gone already unless one of them failed. */
    void removeLeftovers(List<String> paths) {
        for (String path : paths) {
            try {
                client.delete(path);
            } catch (RuntimeException alreadyGone) {
                // not found, or the daemon is down: nothing more to do here
            }
        }
    }

    /** SIGTERM (SIGKILL after 10 s): the daemon stops serving and leaves what is left as it is. Returns how it ended. */
    String stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        int exit = process.waitFor();
        return exit == 143 ? "SIGTERM" : "exit " + exit; // 143 = 128 + SIGTERM, the JVM's exit on it
    }
}
