package io.netmgr.store.etcd;

import io.netmgr.core.store.TxnResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a write transaction safe to send again when its answer is lost.
 *
 * <p>A member can apply a transaction and die before answering; sent again, it would apply twice
 * (a compare-and-swap would then fail its compare and an address it allocated would leak). So every
 * write transaction also creates a marker key of its own, guarded by "marker absent":
 * {@code if (caller's compares && version(marker) == 0) then (ops, put marker) else (get marker)}.
 * Sent any number of times it applies at most once, and the answer to any copy tells the outcome:
 * succeeded, or failed with the marker present (an earlier copy applied, at the marker's mod
 * revision), or failed with the marker absent (the caller's compares failed). A comparison of mod
 * revisions read afterwards could not tell our write from another host's identical one, nor see a
 * delete; the marker can.
 *
 * <p>Markers live under {@code ROOT + "\0txn/"}, are hidden from ranges and watches, and are
 * deleted by this store's next write transaction once their outcome is known. A daemon killed
 * leaves its last few behind: each holds the time it was written, and a store sweeps those older
 * than {@link #SWEEP_AGE} when it connects ({@link #stale}). A marker is read only by the copies of
 * its own transaction, all sent within the store's deadline (seconds), so one minutes old is never
 * read again, even with the clocks of two hosts some minutes apart.
 */
final class TxnMarkers {

    /** Keys under this (after the store's root) are markers, never the caller's. */
    static final String PREFIX = "\0txn/";

    // how many finished markers one transaction deletes at most
    static final int CLEANUP_PER_TXN = 32;

    /** etcd's default cap on the operations of one transaction (--max-txn-ops). */
    static final int MAX_TXN_OPS = 128;

    /** Markers older than this are swept at connect: far beyond any store deadline and clock skew. */
    static final java.time.Duration SWEEP_AGE = java.time.Duration.ofMinutes(10);

    private final String owner = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentLinkedQueue<String> finished = new ConcurrentLinkedQueue<>();

    /** A new marker key (without the store's root), unique to this transaction. */
    String next() {
        return PREFIX + owner + "/" + sequence.incrementAndGet();
    }

    /** What a marker holds: the time it was written, in milliseconds since the epoch. */
    static byte[] value(long nowMillis) {
        return Long.toString(nowMillis).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Whether a marker holding {@code value} is older than {@code age} at {@code nowMillis}, so that
     * no copy of its transaction can still be in flight. A marker without a readable time (written
     * before markers held one) counts as stale: it is as old as the version that wrote it.
     */
    static boolean stale(byte[] value, long nowMillis, java.time.Duration age) {
        long written;
        try {
            written = Long.parseLong(new String(value, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException unreadable) {
            return true;
        }
        return nowMillis - written >= age.toMillis();
    }

    static boolean isMarker(String key) {
        return key.startsWith(PREFIX);
    }

    /** Markers whose outcome is known, for the next write transaction to delete; they are taken. */
    List<String> takeFinished(int room) {
        List<String> taken = new ArrayList<>();
        int most = Math.min(CLEANUP_PER_TXN, room);
        String marker;
        while (taken.size() < most && (marker = finished.poll()) != null) {
            taken.add(marker);
        }
        return taken;
    }

    /** The outcome of {@code marker} is known: a later transaction may delete it. */
    void finished(String marker) {
        finished.add(marker);
    }

    /** Markers taken for a cleanup that did not apply: a later transaction deletes them. */
    void giveBack(List<String> markers) {
        finished.addAll(markers);
    }

    /**
     * The caller's result from the answer to one copy of a marked transaction.
     *
     * @param succeeded whether this copy's compares held (it applied now)
     * @param revision the answer's header revision
     * @param markerModRevision the marker's mod revision read by the else branch, empty when absent
     */
    static TxnResult outcome(boolean succeeded, long revision, Optional<Long> markerModRevision) {
        if (succeeded) {
            return new TxnResult(true, revision);
        }
        // an earlier copy applied: that is the caller's transaction, at the revision it made
        return markerModRevision.map(applied -> new TxnResult(true, applied)).orElseGet(() -> new TxnResult(false, revision));
    }
}
