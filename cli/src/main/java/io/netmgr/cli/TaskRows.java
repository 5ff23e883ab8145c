package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code service ps} of a service whose tasks netmgrd runs: one row per task, its backend's
 * columns (sandbox, address, host) beside the task's (state, pid, restarts, last exit), so a task
 * that keeps failing shows why. A clustered service's tasks name their host (its advertise address).
 */
final class TaskRows {
    static final List<Output.Column> COLUMNS = List.of(
            new Output.Column("SANDBOX", r -> r.path("sandbox").asText()),
            new Output.Column("ADDRESS", r -> r.path("address").asText("-")),
            new Output.Column("HOST", r -> r.path("host").asText("-")),
            new Output.Column("STATE", r -> r.path("state").asText()),
            new Output.Column("PID", r -> r.path("pid").isNull() ? "-" : r.path("pid").asText()),
            new Output.Column("RESTARTS", r -> r.path("restarts").asText()),
            new Output.Column("LAST EXIT", r -> r.path("lastExit").asText("-")));

    private TaskRows() {
    }

    /** A row per task, with the address and host of the backend in its sandbox (none while it has no sandbox). */
    static JsonNode of(JsonNode tasks, JsonNode backends) {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (JsonNode t : tasks) {
            ObjectNode row = rows.addObject();
            row.put("sandbox", t.path("name").asText());
            row.set("address", null);
            row.set("host", null);
            for (JsonNode b : backends) {
                if (b.path("sandbox").asText().equals(t.path("name").asText())) {
                    row.set("address", b.path("address"));
                    row.set("host", b.path("host"));
                }
            }
            if (t.hasNonNull("host")) { // clustered: the host running the task, as it reported it
                row.set("host", t.path("host"));
            }
            row.put("state", t.path("state").asText());
            row.set("pid", t.path("pid"));
            row.put("restarts", t.path("restarts").asInt());
            row.set("lastExit", t.path("lastExit"));
        }
        return rows;
    }
}
