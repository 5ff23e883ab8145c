package io.netmgr.daemon.task;

import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Several hosts' streams read as one: each poll returns every stream's new lines, stream by
 * stream (each keeps its own order; there is no clock across hosts to interleave them by), and it
 * is complete once all of them are. A followed one also takes in, every {@code rescan}, the streams
 * {@code more} finds (tasks started since on other hosts).
 */
final class MergedLogStream implements LogStream {
    private final List<LogStream> streams;
    private final Supplier<List<LogStream>> more;
    private final long rescanNanos;
    private final LongSupplier nanos;
    private long scanned;
    private boolean closed;

    MergedLogStream(List<LogStream> streams) {
        this(streams, List::of, Duration.ofDays(1), System::nanoTime);
    }

    MergedLogStream(List<LogStream> streams, Supplier<List<LogStream>> more, Duration rescan, LongSupplier nanos) {
        this.streams = new ArrayList<>(streams);
        this.more = more;
        this.rescanNanos = rescan.toNanos();
        this.nanos = nanos;
        this.scanned = nanos.getAsLong();
    }

    @Override
    public List<TaskLine> poll() {
        List<LogStream> now;
        synchronized (this) {
            if (closed) {
                return List.of();
            }
            if (nanos.getAsLong() - scanned > rescanNanos) {
                scanned = nanos.getAsLong();
                streams.addAll(more.get());
            }
            now = List.copyOf(streams);
        }
        List<TaskLine> all = new ArrayList<>();
        now.forEach(s -> all.addAll(s.poll()));
        return all;
    }

    @Override
    public synchronized boolean complete() {
        return streams.stream().allMatch(LogStream::complete);
    }

    @Override
    public void close() {
        List<LogStream> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(streams);
        }
        RuntimeException first = null;
        for (LogStream s : all) {
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
