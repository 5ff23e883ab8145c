package io.netmgr.daemon.task;

import java.util.List;

/**
 * What {@code service logs} reads: the lines of a service's tasks, polled by one reader at a
 * time (not thread-safe), until it has them all ({@link #complete()}) or, following, until the
 * reader leaves and closes it.
 */
public interface LogStream extends AutoCloseable {

    /** The lines that arrived since the last call (the first call: the tail of each task's log). */
    List<TaskLogs.TaskLine> poll();

    /** Whether every line there was when the stream opened has been returned: a reader that does not follow may end. */
    boolean complete();

    /**
     * Lets go of what the stream holds (another host's answers, say); closing twice does nothing, and
     * a reader that leaves may close it while a poll runs.
     */
    @Override
    void close();
}
