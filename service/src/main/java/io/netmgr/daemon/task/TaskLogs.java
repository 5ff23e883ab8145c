package io.netmgr.daemon.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * The tasks' output as {@code service logs} reads it: the last lines of each task's log (in
 * slot order; the files carry no timestamps to interleave them by), then, when following, each
 * complete line as it is appended, including from tasks that start later (scale-up). A poll reads
 * at most {@link #MAX_READ} bytes of each log (the rest at the next), so a long log is never held
 * whole in memory; a line longer than that comes out cut in pieces of that size.
 */
public final class TaskLogs {
    static final int MAX_READ = 4 * 1024 * 1024;

    private final TaskFiles files;

    public TaskLogs(TaskFiles files) {
        this.files = files;
    }

    /** Whether task {@code slot} ever wrote a log (a slot scaled away keeps its log until the service goes). */
    public boolean hasLog(TaskSlot slot) {
        return files.logged(slot.service()).contains(slot);
    }

    /**
     * One line of a task's output, without its newline; {@code host}: the advertise address of the
     * host that runs the task, for a clustered service (absent otherwise).
     */
    public record TaskLine(String task, String line, @JsonInclude(JsonInclude.Include.NON_NULL) String host) {
        public TaskLine(String task, String line) {
            this(task, line, null);
        }

        /** This line as read on the host at {@code address}. */
        public TaskLine onHost(String address) {
            return new TaskLine(task, line, address);
        }
    }

    /**
     * A reader of one service's logs ({@code slot}: one task's only), positioned after the
     * last {@code tail} lines of each (negative: all of them).
     */
    public Cursor open(String service, Optional<Integer> slot, int tail) {
        return open(service, s -> slot.isEmpty() || slot.get() == s, tail);
    }

    /** A reader of the logs of service {@code service}'s tasks whose slot {@code slots} accepts, as {@link #open(String, Optional, int)}. */
    public Cursor open(String service, IntPredicate slots, int tail) {
        return new Cursor(service, slots, tail);
    }

    /** Where a reader stands in each task's log; {@link #poll()} returns what was appended since. */
    public final class Cursor implements LogStream {
        private final String service;
        private final IntPredicate slots;
        private final int tail;
        private final Map<TaskSlot, Long> offsets = new HashMap<>();
        private final Map<TaskSlot, ByteArrayOutputStream> partial = new HashMap<>(); // an unfinished last line
        private boolean started;
        private boolean behind; // a log had more than a poll reads

        private Cursor(String service, IntPredicate slots, int tail) {
            this.service = service;
            this.slots = slots;
            this.tail = tail;
        }

        /**
         * The complete lines written since the last call (the first call: the tail of each
         * log); a log appearing later is read from its start.
         */
        @Override
        public List<TaskLine> poll() {
            boolean first = !started;
            behind = false;
            List<TaskLine> out = new ArrayList<>();
            for (TaskSlot s : files.logged(service)) {
                if (!slots.test(s.slot())) {
                    continue;
                }
                if (first && tail >= 0) {
                    offsets.put(s, startOfTail(s));
                }
                read(s).forEach(l -> out.add(new TaskLine(s.name(), l)));
            }
            started = true;
            return out;
        }

        /** This host's files hold every line there is: once read to their end, a reader not following is done. */
        @Override
        public boolean complete() {
            return started && !behind;
        }

        @Override
        public void close() {
            // nothing held between reads
        }

        private List<String> read(TaskSlot s) {
            long from = offsets.getOrDefault(s, 0L);
            ByteArrayOutputStream pending = partial.computeIfAbsent(s, x -> new ByteArrayOutputStream());
            try (FileChannel ch = FileChannel.open(files.log(s), StandardOpenOption.READ)) {
                if (ch.size() < from) {
                    from = 0; // truncated by someone: read it again from the start
                    pending.reset();
                }
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                long limit = Math.min(ch.size(), from + MAX_READ);
                ch.position(from);
                int n;
                while (from < limit && (n = ch.read(buf.clear().limit((int) Math.min(buf.capacity(), limit - from)))) > 0) {
                    pending.write(buf.array(), 0, n);
                    from += n;
                }
                behind |= ch.size() > from;
            } catch (NoSuchFileException gone) {
                return List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the log of task " + s.name(), e);
            }
            offsets.put(s, from);
            byte[] bytes = pending.toByteArray();
            int end = lastNewline(bytes);
            pending.reset();
            if (end < 0 && bytes.length >= MAX_READ) {
                return new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8))); // a line longer than a read: its piece
            }
            pending.write(bytes, end + 1, bytes.length - end - 1);
            if (end < 0) {
                return new ArrayList<>();
            }
            return new ArrayList<>(List.of(new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n", -1)));
        }

        // where the last `tail` complete lines of s's log start: after the (tail+1)-th newline from its end, read backwards
        private long startOfTail(TaskSlot s) {
            try (FileChannel ch = FileChannel.open(files.log(s), StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                long pos = ch.size();
                int newlines = 0;
                while (pos > 0) {
                    int n = (int) Math.min(buf.capacity(), pos);
                    pos -= n;
                    buf.clear().limit(n);
                    while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
                        // until the chunk is read
                    }
                    for (int i = buf.position() - 1; i >= 0; i--) {
                        if (buf.get(i) == '\n' && ++newlines == tail + 1) {
                            return pos + i + 1;
                        }
                    }
                }
                return 0;
            } catch (NoSuchFileException gone) {
                return 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the log of task " + s.name(), e);
            }
        }

        private static int lastNewline(byte[] b) {
            for (int i = b.length - 1; i >= 0; i--) {
                if (b[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
