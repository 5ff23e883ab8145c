package io.netmgr.daemon.task;

import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.util.ArrayList;
import java.util.List;

/**
 * Several hosts' streams read as one: each poll returns every stream's new lines, stream by
 * stream (each keeps its own order; there is no clock across hosts to interleave them by), and it
 * is complete once all of them are.
 */
final class MergedLogStream implements LogStream {
    private final List<LogStream> streams;

    MergedLogStream(List<LogStream> streams) {
        this.streams = List.copyOf(streams);
    }

    @Override
    public List<TaskLine> poll() {
        List<TaskLine> all = new ArrayList<>();
        streams.forEach(s -> all.addAll(s.poll()));
        return all;
    }

    @Override
    public boolean complete() {
        return streams.stream().allMatch(LogStream::complete);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (LogStream s : streams) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
