package io.netmgr.daemon.task;

import io.netmgr.core.store.ScopedStore;
import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * How hosts hand each other their tasks' logs through the cluster store (netmgrds talk only
 * through it), as swarm's log broker does over its control plane. Host A asking for the logs of
 * tasks host B runs puts a {@link Request} at {@code /netmgr/global/logs/requests/B/REQ} under
 * A's lease; B answers with {@link Batch}es of lines at {@code /netmgr/global/logs/answers/REQ/SEQ}
 * (SEQ zero-padded, so keys sort in order) under B's lease, then {@code .../answers/REQ/end}
 * unless the request follows. A deletes each batch once read, and its request when done; B stops
 * when the request is gone. Either host's death takes its keys with its lease. Values are
 * {@link io.netmgr.core.store.StoredJson}.
 */
final class LogExchange {
    static final String REQUESTS = ScopedStore.GLOBAL + "logs/requests/";
    static final String ANSWERS = ScopedStore.GLOBAL + "logs/answers/";
    static final String END = "end";
    /** At most this many bytes of lines per batch (etcd's default request limit is 1.5 MiB). */
    static final int BATCH_BYTES = 64 * 1024;
    /** At most this many lines per batch. */
    static final int BATCH_LINES = 1000;
    /** A host writes batch N only once batch N - WINDOW was read: at most this many unread batches per request. */
    static final int WINDOW = 16;

    private LogExchange() {
    }

    /** Host A's question: the logs of service {@code service}'s tasks {@code slots} on the host asked. */
    record Request(String serviceId, String service, Set<Integer> slots, int tail, boolean follow) {
    }

    /** A bounded run of lines, in the order the tasks wrote them. */
    record Batch(List<TaskLine> lines) {
    }

    /** One line {@code text} per task of {@code slots}, in slot order: what is said for tasks whose lines cannot be had. */
    static List<TaskLine> notice(String service, Collection<Integer> slots, String text, String address) {
        return slots.stream().sorted().map(s -> new TaskLine(new TaskSlot(service, s).name(), text, address)).toList();
    }

    static String requestsOf(String hostId) {
        return REQUESTS + hostId + "/";
    }

    static String requestKey(String hostId, String requestId) {
        return requestsOf(hostId) + requestId;
    }

    static String answersOf(String requestId) {
        return ANSWERS + requestId + "/";
    }

    static String batchKey(String requestId, long seq) {
        return answersOf(requestId) + String.format("%010d", seq);
    }

    static String endKey(String requestId) {
        return answersOf(requestId) + END;
    }

    /**
     * {@code lines} cut into batches of at most {@link #BATCH_LINES} lines and about
     * {@link #BATCH_BYTES} bytes; a longer line is cut to fit one batch, marked with "...".
     */
    static List<Batch> batches(List<TaskLine> lines) {
        List<Batch> batches = new ArrayList<>();
        List<TaskLine> current = new ArrayList<>();
        int bytes = 0;
        for (TaskLine l : lines) {
            TaskLine fitted = fit(l);
            int size = fitted.line().getBytes(StandardCharsets.UTF_8).length + fitted.task().length() * 3 + 32; // JSON's keys and quotes
            if (!current.isEmpty() && (bytes + size > BATCH_BYTES || current.size() == BATCH_LINES)) {
                batches.add(new Batch(current));
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(fitted);
            bytes += size;
        }
        if (!current.isEmpty()) {
            batches.add(new Batch(current));
        }
        return batches;
    }

    // a line past the batch's room is cut (at a character, so the UTF-8 stays whole)
    private static TaskLine fit(TaskLine l) {
        int room = BATCH_BYTES - 64 - l.task().length() * 3;
        if (l.line().length() * 3L <= room || l.line().getBytes(StandardCharsets.UTF_8).length <= room) {
            return l;
        }
        StringBuilder b = new StringBuilder();
        int used = 0;
        for (int i = 0; i < l.line().length(); ) {
            int cp = l.line().codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + n > room - 3) {
                break;
            }
            b.appendCodePoint(cp);
            used += n;
            i += Character.charCount(cp);
        }
        return new TaskLine(l.task(), b.append("...").toString(), l.host());
    }
}
