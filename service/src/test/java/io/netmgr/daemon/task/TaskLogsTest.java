package io.netmgr.daemon.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskLogsTest {
    @TempDir Path dir;

    private void append(TaskFiles files, int slot, String text) throws Exception {
        Files.writeString(files.prepareLog(new TaskSlot("web", slot)), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void theTailOfEachTaskThenWhatIsAppendedLineByLine() throws Exception {
        TaskFiles files = new TaskFiles(dir);
        append(files, 1, "a\nb\nc\n");
        append(files, 2, "x\ny\npart");
        TaskLogs.Cursor c = new TaskLogs(files).open("web", Optional.empty(), 2);

        assertThat(c.poll()).containsExactly(new TaskLine("web.1", "b"), new TaskLine("web.1", "c"),
                new TaskLine("web.2", "x"), new TaskLine("web.2", "y"));
        assertThat(c.poll()).isEmpty();
        append(files, 2, "ial\n");
        append(files, 3, "new task\n"); // scaled up meanwhile: read from its start
        assertThat(c.poll()).containsExactly(new TaskLine("web.2", "partial"), new TaskLine("web.3", "new task"));
    }

    @Test
    void oneTaskOnlyAndAllLines() throws Exception {
        TaskFiles files = new TaskFiles(dir);
        append(files, 1, "a\n");
        append(files, 2, "x\ny\n");
        assertThat(new TaskLogs(files).open("web", Optional.of(2), -1).poll())
                .containsExactly(new TaskLine("web.2", "x"), new TaskLine("web.2", "y"));
        assertThat(new TaskLogs(files).open("other", Optional.empty(), -1).poll()).isEmpty();
    }
}
