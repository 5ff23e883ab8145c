package io.netmgr.cli;

import static io.netmgr.client.DaemonClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code netmgr service logs NAME}: the tasks' stdout and stderr, docker's flags ({@code -f},
 * {@code --tail}, {@code --no-task-ids}) plus {@code --task N} for one task; each line prefixed
 * with its task's name as {@code docker service logs} does (and, for a clustered service, its
 * host's advertise address: {@code web.2@198.51.100.2}).
 */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Show the output (stdout and stderr) of a service's tasks.")
final class ServiceLogsCommand extends ClientCommand {
    @Parameters(paramLabel = "SERVICE") String service;
    @Option(names = {"-f", "--follow"}, description = "Keep printing lines as the tasks write them (Ctrl-C to stop).") boolean follow;
    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N lines of each task (default: all).")
    String tail = "all";
    @Option(names = "--task", paramLabel = "SLOT", description = "Only task SLOT (e.g. 2 for SERVICE.2).") Integer task;
    @Option(names = "--no-task-ids", description = "Print the lines alone, without the task's name.") boolean noTaskIds;

    @Override
    public Integer call() {
        if (!tail.equals("all") && !tail.matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("--tail " + tail + ": give a number of lines, or all");
        }
        if (task != null && task < 1) {
            throw new IllegalArgumentException("--task " + task + ": tasks count from 1 (SERVICE.1, SERVICE.2...)");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("follow", follow ? "true" : null);
        query.put("tail", tail.equals("all") ? null : tail);
        query.put("task", task == null ? null : task.toString());
        daemon().stream("/v1/services/" + segment(service) + "/logs" + DaemonClient.query(query), l -> {
            out().println(noTaskIds ? l.path("line").asText() : prefix(l) + " | " + l.path("line").asText());
            out().flush();
        });
        return 0;
    }

    // a clustered service's line names its host as docker's name.slot.id@node does: web.2@198.51.100.2
    private static String prefix(JsonNode line) {
        String host = line.path("host").asText("");
        return host.isEmpty() ? line.path("task").asText() : line.path("task").asText() + "@" + host;
    }
}
