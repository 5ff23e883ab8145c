package io.netmgr.daemon.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where tasks leave traces under the state directory: {@code tasks/SERVICE/SLOT.log} (the
 * task's stdout and stderr, kept across restarts of the task) and {@code tasks/SERVICE/SLOT.pid}
 * (the running process's pid and start time, so a restarted netmgrd adopts exactly the processes
 * it started and no other process that got the same pid).
 */
public final class TaskFiles {
    private final Path root;

    public TaskFiles(Path root) {
        this.root = root;
    }

    /** The process recorded as running a task: its pid and start time. */
    public record PidRecord(long pid, long startTime) {
    }

    public Path log(TaskSlot slot) {
        return dir(slot.service()).resolve(slot.slot() + ".log");
    }

    /** The logs of a service's tasks, by slot (a removed slot's log stays until the service goes). */
    public List<TaskSlot> logged(String service) {
        return slots(service, ".log");
    }

    public Path prepareLog(TaskSlot slot) {
        Path log = log(slot);
        try {
            Files.createDirectories(log.getParent());
            if (!Files.exists(log)) {
                Files.createFile(log); // the slot's mark: every slot that ever started has one
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + log.getParent() + " for the logs of " + slot.name(), e);
        }
        return log;
    }

    public void recordPid(TaskSlot slot, long pid, long startTime) {
        Path file = pidFile(slot);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, pid + " " + startTime + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the pid of task " + slot.name() + " in " + file, e);
        }
    }

    public Optional<PidRecord> pid(TaskSlot slot) {
        Path file = pidFile(slot);
        try {
            String[] f = Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            return Optional.of(new PidRecord(Long.parseLong(f[0]), Long.parseLong(f[1])));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // torn or foreign content: no process of ours is named there
        }
    }

    public void forgetPid(TaskSlot slot) {
        try {
            Files.deleteIfExists(pidFile(slot));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + pidFile(slot), e);
        }
    }

    /** The services that have task files. */
    public List<String> services() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    /** Every task that has a pid recorded, whatever service. */
    public List<TaskSlot> recorded() {
        List<TaskSlot> all = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return all;
        }
        try (Stream<Path> services = Files.list(root)) {
            services.filter(Files::isDirectory).forEach(d -> all.addAll(slots(d.getFileName().toString(), ".pid")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        return all;
    }

    /** Removes a service's pid files and logs, as {@code service rm} does. */
    public void removeService(String service) {
        Path dir = dir(service);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    private List<TaskSlot> slots(String service, String suffix) {
        List<TaskSlot> found = new ArrayList<>();
        Path dir = dir(service);
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).forEach(n -> {
                String number = n.substring(0, n.length() - suffix.length());
                if (number.matches("[1-9][0-9]{0,8}")) {
                    found.add(new TaskSlot(service, Integer.parseInt(number)));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        found.sort(null);
        return found;
    }

    private Path pidFile(TaskSlot slot) {
        return dir(slot.service()).resolve(slot.slot() + ".pid");
    }

    private Path dir(String service) {
        if (service.isEmpty() || service.contains("/") || service.equals(".") || service.equals("..")) {
            throw new IllegalArgumentException("service name \"" + service + "\" cannot name a directory of task files");
        }
        return root.resolve(service);
    }
}
