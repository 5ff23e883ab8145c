package io.netmgr.daemon.task;

import java.nio.file.Path;

/** The sandboxes tasks run in: one per task, named after it, joined to the service's networks as its backend. */
public interface TaskSandboxes {
    /** The task's sandbox, made and joined unless it exists already; returns its namespace path. */
    Path ensure(TaskSlot slot);

    /** Removes the task's sandbox and its endpoints, if it exists. */
    void remove(TaskSlot slot);
}
