package io.netmgr.daemon.task;

import java.time.Duration;
import java.util.Optional;

/** A task's running process, started by netmgrd or adopted after its restart. */
public interface TaskProcess {
    long pid();

    /** The kernel's start time of the process, which tells it apart from a later process given the same pid. */
    long startTime();

    /** How it ended, once it has; empty while it runs. */
    Optional<TaskExit> exit();

    /** SIGTERM to the process and the processes it started. */
    void terminate();

    /** Waits up to {@code timeout} for the process and its descendants to be gone; whether they are. */
    boolean awaitGone(Duration timeout) throws InterruptedException;

    /** SIGKILL to the process and its descendants still there. */
    void kill();
}
