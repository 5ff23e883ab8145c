package io.netmgr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TaskRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachTaskGetsItsBackendsAddressAndATaskWithoutSandboxShowsNone() throws Exception {
        JsonNode tasks = JSON.readTree("[{\"name\":\"web.1\",\"state\":\"running\",\"pid\":42,\"restarts\":0,\"lastExit\":null},"
                + "{\"name\":\"web.2\",\"state\":\"restarting\",\"pid\":null,\"restarts\":3,\"lastExit\":\"exit 3\"}]");
        JsonNode backends = JSON.readTree("[{\"sandbox\":\"web.1\",\"address\":\"10.0.0.5/24\",\"host\":\"h1\"}]");
        JsonNode rows = TaskRows.of(tasks, backends);

        assertThat(TaskRows.COLUMNS.stream().map(c -> c.cell().apply(rows.get(0))).toList())
                .containsExactly("web.1", "10.0.0.5/24", "h1", "running", "42", "0", "-");
        assertThat(TaskRows.COLUMNS.stream().map(c -> c.cell().apply(rows.get(1))).toList())
                .containsExactly("web.2", "-", "-", "restarting", "-", "3", "exit 3");
    }

    @Test
    void aClusteredTaskShowsTheHostRunningItAndAnAssignedOneItsHostBeforeItHasASandbox() throws Exception {
        JsonNode tasks = JSON.readTree("[{\"name\":\"web.1\",\"state\":\"running\",\"pid\":42,\"restarts\":0,\"host\":\"198.51.100.2\"},"
                + "{\"name\":\"web.2\",\"state\":\"assigned\",\"pid\":null,\"restarts\":0,\"host\":\"198.51.100.3\"}]");
        JsonNode backends = JSON.readTree("[{\"sandbox\":\"web.1\",\"address\":\"10.0.0.5/24\",\"host\":\"" + "ab".repeat(32) + "\"}]");
        JsonNode rows = TaskRows.of(tasks, backends);

        assertThat(TaskRows.COLUMNS.stream().map(c -> c.cell().apply(rows.get(0))).toList())
                .containsExactly("web.1", "10.0.0.5/24", "198.51.100.2", "running", "42", "0", "-");
        assertThat(TaskRows.COLUMNS.stream().map(c -> c.cell().apply(rows.get(1))).toList())
                .containsExactly("web.2", "-", "198.51.100.3", "assigned", "-", "0", "-");
    }
}
