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

    @Test
    void aLogLongerThanOneReadComesOverSeveralPollsWithTheTailFoundFromTheEnd() throws Exception {
        TaskFiles files = new TaskFiles(dir);
        String line = "x".repeat(999) + "\n"; // 1,000 bytes
        int count = TaskLogs.MAX_READ / 1000 * 2 + 10;
        append(files, 1, line.repeat(count) + "last\n");
        TaskLogs.Cursor all = new TaskLogs(files).open("web", Optional.empty(), -1);
        int read = all.poll().size();
        assertThat(read).as("one read's worth").isLessThan(count);
        assertThat(all.complete()).isFalse();
        int polls = 1;
        while (!all.complete()) {
            read += all.poll().size();
            polls++;
        }
        assertThat(read).isEqualTo(count + 1);
        assertThat(polls).isEqualTo(3);

        TaskLogs.Cursor tail = new TaskLogs(files).open("web", Optional.empty(), 2);
        assertThat(tail.poll()).containsExactly(new TaskLine("web.1", "x".repeat(999)), new TaskLine("web.1", "last"));
        assertThat(tail.complete()).isTrue();
    }
}
