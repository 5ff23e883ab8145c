package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.service.ServiceSpec;
import io.netmgr.daemon.DaemonEngine;
import io.netmgr.daemon.DaemonOperations;
import io.netmgr.daemon.Events;
import io.netmgr.daemon.OperationMetrics;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ServiceTasks} on the real kernel, in-process: tasks as processes in their own sandboxes'
 * namespaces (checked through /proc), restarted when killed, stopped and their sandboxes removed
 * on scale-down and rm. The built binaries' end-to-end tests are in the tests module.
 */
class ServiceTasksDaemonIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @TempDir
    Path dir;

    @Test
    void tasksRunInTheirSandboxesRestartAndGo() throws Exception {
        NetNs host = netns.create("tkd");
        try (DaemonEngine engine = DaemonEngine.open(dir.resolve("state"), host, FirewallChoice.NFTABLES)) {
            DaemonOperations ops = new DaemonOperations(engine.controller(), new Events(), new OperationMetrics());
            ops.createNetwork(NetworkConfig.of("front", "bridge"));
            ServiceTasks tasks = ServiceTasks.start(ops, engine.services(), engine.store(), dir, false, java.util.Optional.empty());
            try {
                tasks.create(ServiceSpec.of("tkd", "front"), Optional.of(new ServiceTasks.TaskRequest(2,
                        new TaskCommand(List.of("sh", "-c", "echo started $NETMGR_TASK_NAME; exec sleep 600")))));
                Eventually.waitFor("both tasks running", () -> tasks.tasks("tkd").stream().allMatch(t -> t.state().equals("running")));
                List<TaskStatus> running = tasks.tasks("tkd");
                assertThat(running).extracting(TaskStatus::name).containsExactly("tkd.1", "tkd.2");
                for (TaskStatus t : running) {
                    String sandboxNs = ops.sandbox(t.name()).namespacePath();
                    assertThat(Files.readSymbolicLink(Path.of("/proc/" + t.pid() + "/ns/net")).toString())
                            .isEqualTo("net:[" + Files.getAttribute(Path.of(sandboxNs), "unix:ino") + "]");
                }
                assertThat(engine.services().backends("tkd")).hasSize(2);
                Eventually.waitFor("task 1 logged its start", () -> lines(tasks, 1).contains("tkd.1 started tkd.1"));

                ProcessHandle.of(running.get(0).pid()).orElseThrow().destroyForcibly();
                Eventually.waitFor("task 1 restarted", () -> {
                    TaskStatus t = tasks.tasks("tkd").get(0);
                    return t.state().equals("running") && t.restarts() == 1 && !t.pid().equals(running.get(0).pid());
                });
                assertThat(tasks.tasks("tkd").get(0).lastExit()).isEqualTo("exit 137");

                tasks.scale("tkd", 1);
                assertThat(ProcessHandle.of(running.get(1).pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(ops.sandboxNamed("tkd.2")).isEmpty();
                assertThat(engine.services().backends("tkd")).hasSize(1);

                assertThatThrownBy(() -> tasks.scale("tkd", -1)).hasMessageContaining("replicas: -1 is negative");
                long last = tasks.tasks("tkd").get(0).pid();
                tasks.remove("tkd");
                assertThat(ProcessHandle.of(last).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(ops.sandboxes()).isEmpty();
                assertThat(engine.services().services()).isEmpty();
            } finally {
                tasks.close();
                for (var s : ops.sandboxes()) {
                    ops.deleteSandbox(s.id()); // after a failure: their namespaces live outside the test's
                }
            }
        }
    }

    private static String lines(ServiceTasks tasks, int slot) {
        StringBuilder b = new StringBuilder();
        tasks.logs("tkd", Optional.of(slot), -1, false).poll().forEach(l -> b.append(l.task()).append(' ').append(l.line()).append('\n'));
        return b.toString();
    }

}
