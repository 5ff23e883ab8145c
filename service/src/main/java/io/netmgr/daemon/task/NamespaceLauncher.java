package io.netmgr.daemon.task;

import io.netmgr.netlink.ns.NamespaceEntry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a task's command in its sandbox the way {@code netmgr sandbox exec} does
 * ({@link NamespaceEntry}: nsenter into its network namespace, with the sandbox's
 * {@code /etc/netns/NS} files such as its resolv.conf bound over /etc), in a session of its own
 * ({@code setsid}) so a Ctrl-C meant for netmgrd does not reach it. Each step execs the next, so
 * the pid netmgrd sees is the task's. stdin is /dev/null; stdout and stderr are appended to the
 * task's log by the kernel, so the task keeps running, and logging, if netmgrd dies.
 */
public final class NamespaceLauncher implements TaskLauncher {
    private final String searchPath;

    public NamespaceLauncher(String searchPath) {
        this.searchPath = searchPath;
    }
    @Override
    public TaskProcess start(TaskSlot slot, Path namespace, TaskCommand command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv(namespace, command)).directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true);
        // a clean environment, as a container gets: the search path and who the task is
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", searchPath);
        env.put("NETMGR_SERVICE_NAME", slot.service());
        env.put("NETMGR_TASK_SLOT", Integer.toString(slot.slot()));
        env.put("NETMGR_TASK_NAME", slot.name());
        Process p = pb.start();
        return new Child(p, ProcessStartTime.of(p.pid()).orElse(0));
    }

    private static List<String> argv(Path namespace, TaskCommand command) {
        List<String> program = new ArrayList<>(List.of("setsid", "--"));
        program.addAll(command.argv());
        return NamespaceEntry.command(namespace, program);
    }

    @Override
    public Optional<TaskProcess> adopt(long pid, long startTime) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> ProcessStartTime.of(pid).equals(java.util.OptionalLong.of(startTime)))
                .map(h -> new Adopted(h, startTime));
    }

    /** What both kinds of task process share: signals to the process and its descendants. */
    private abstract static class Running implements TaskProcess {
        final ProcessHandle handle;
        final long startTime;
        private List<ProcessHandle> family = List.of();

        Running(ProcessHandle handle, long startTime) {
            this.handle = handle;
            this.startTime = startTime;
        }

        @Override
        public long pid() {
            return handle.pid();
        }

        @Override
        public long startTime() {
            return startTime;
        }

        @Override
        public void terminate() {
            family = new ArrayList<>(handle.descendants().toList());
            family.add(0, handle);
            family.forEach(ProcessHandle::destroy);
        }

        @Override
        public boolean awaitGone(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            for (ProcessHandle h : family.isEmpty() ? List.of(handle) : family) {
                try {
                    h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    return false;
                } catch (ExecutionException e) {
                    return !h.isAlive();
                }
            }
            return true;
        }

        @Override
        public void kill() {
            List<ProcessHandle> all = new ArrayList<>(family);
            handle.descendants().forEach(all::add);
            all.add(handle);
            all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** A task netmgrd started: its exit status is known. */
    private static final class Child extends Running {
        private final Process process;

        Child(Process process, long startTime) {
            super(process.toHandle(), startTime);
            this.process = process;
        }

        @Override
        public Optional<TaskExit> exit() {
            return process.isAlive() ? Optional.empty() : Optional.of(TaskExit.of(process.exitValue()));
        }
    }

    /** A task an earlier netmgrd started: it is not our child, so only its end is known, not its status. */
    private static final class Adopted extends Running {
        Adopted(ProcessHandle handle, long startTime) {
            super(handle, startTime);
        }

        @Override
        public Optional<TaskExit> exit() {
            return handle.isAlive() ? Optional.empty() : Optional.of(TaskExit.unknown());
        }
    }
}
