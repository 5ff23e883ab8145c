package io.netmgr.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes a test's netmgrd started as tasks of the test's services, found independently of
 * netmgrd: by the environment it gives each task ({@code NETMGR_SERVICE_NAME}) in /proc. After
 * each test, any still running (a failed assertion skipped {@code service rm}) are killed by pid.
 */
final class TaskProcesses implements AfterEachCallback {
    private final List<String> services = new ArrayList<>();

    /** Remembers a service of the test (its name must be unique to the test); returns it. */
    String add(String service) {
        services.add(service);
        return service;
    }

    /** The pids of the processes running as tasks of {@code service}; a task's own children are not counted. */
    static List<Long> of(String service) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (isTaskOf(pid, service) && ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                        .map(parent -> !isTaskOf(parent.pid(), service)).orElse(true)) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    private static boolean isTaskOf(long pid, String service) {
        try {
            String env = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
            return List.of(env.split("\0")).contains("NETMGR_SERVICE_NAME=" + service);
        } catch (IOException | SecurityException gone) {
            return false;
        }
    }

    /** The network namespace of process {@code pid}, as the kernel names it ({@code net:[4026532...]}). */
    static String netns(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
    }

    /** The kernel's name of the namespace mounted at {@code path}, as /proc/PID/ns/net shows it. */
    static String netnsOfPath(String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("stat", "-L", "-c", "%i", path).start();
        String inode = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return "net:[" + inode + "]";
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (String service : services) {
            for (long pid : of(service)) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
    }
}
