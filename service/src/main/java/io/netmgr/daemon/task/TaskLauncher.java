package io.netmgr.daemon.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/** Starts tasks' processes in their sandboxes, and recognises the ones started before a restart. */
public interface TaskLauncher {
    /**
     * Starts {@code command} in the network namespace {@code namespace}, stdout and stderr
     * appended to {@code log}.
     */
    TaskProcess start(TaskSlot slot, Path namespace, TaskCommand command, Path log) throws IOException;

    /** The process {@code pid} if it still runs and started at {@code startTime}: then it is the task netmgrd started. */
    Optional<TaskProcess> adopt(long pid, long startTime);
}
