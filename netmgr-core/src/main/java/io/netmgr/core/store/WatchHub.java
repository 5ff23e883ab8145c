package io.netmgr.core.store;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Delivers a store's changes to its watches from one daemon thread. The thread looks at the
 * store's revision every poll interval (changes may come from other processes) or at once when
 * {@link #wake()}d, and reads the changes it has not delivered from the store's {@link ChangeLog}.
 * The interval doubles with every look that finds nothing new, up to {@value #SLOWEST_POLL_FACTOR}
 * times the first, and is back at the first after a look that found a change: a busy store is followed
 * as closely as before, while an idle daemon no longer wakes a hundred times a second (the
 * largest share of its idle CPU, perf: bench/README.md). A commit of this process wakes the
 * thread, so only another process's changes may wait for the longer interval.
 * Listeners run on that thread, one event at a time, in revision order; a slow listener delays
 * every watch of its store.
 */
final class WatchHub implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WatchHub.class.getName());
    // bounds the memory a watch far behind the store uses per read
    private static final int MAX_REVISIONS_PER_READ = 1_000;
    static final int SLOWEST_POLL_FACTOR = 16;

    private final ChangeLog log;
    private final long pollNanos;
    private final String threadName;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private Thread thread;

    WatchHub(ChangeLog log, long pollInterval, TimeUnit unit, String threadName) {
        this.log = log;
        this.pollNanos = unit.toNanos(pollInterval);
        this.threadName = threadName;
    }

    Watch add(String prefix, long afterRevision, Consumer<WatchEvent> listener,
            Consumer<CompactedRevisionException> onCompacted) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (afterRevision < 0) {
            throw new IllegalArgumentException("afterRevision must be >= 0, got " + afterRevision);
        }
        // fails now, in the caller's thread, when the asked-for changes are already gone
        log.eventsAfter(afterRevision, 1);
        Watcher watcher = new Watcher(prefix, afterRevision, listener, Objects.requireNonNull(onCompacted, "onCompacted"));
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            watchers.add(watcher);
            if (thread == null) {
                thread = new Thread(this::run, threadName);
                thread.setDaemon(true);
                thread.start();
            }
        }
        wake();
        return watcher;
    }

    /** Makes the thread look for changes now, e.g. right after a commit in this process. */
    void wake() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Stops delivery; once this returns, the hub no longer reads the change log. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        LockSupport.unpark(t);
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long seen = -1;
        long wait = pollNanos;
        while (!closed) {
            boolean behind = false;
            boolean changed = false;
            try {
                if (!watchers.isEmpty()) {
                    long revision = log.revision();
                    changed = revision != seen;
                    seen = revision;
                    for (Watcher watcher : watchers) {
                        behind |= !closed && watcher.catchUp(revision);
                    }
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "reading store changes failed; retrying", e);
            }
            if (!behind) {
                wait = changed ? pollNanos : Math.min(wait * 2, pollNanos * SLOWEST_POLL_FACTOR);
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    private final class Watcher implements Watch {
        private final String prefix;
        private final WatchDelivery delivery;
        private long delivered;

        Watcher(String prefix, long afterRevision, Consumer<WatchEvent> listener,
                Consumer<CompactedRevisionException> onCompacted) {
            this.prefix = prefix;
            this.delivered = afterRevision;
            this.delivery = new WatchDelivery(prefix, listener, onCompacted);
        }

        /** Delivers the next changes up to {@code revision}; true if more remain. */
        boolean catchUp(long revision) {
            if (delivery.stopped() || delivered >= revision) {
                return false;
            }
            List<WatchEvent> events;
            try {
                events = log.eventsAfter(delivered, MAX_REVISIONS_PER_READ);
            } catch (CompactedRevisionException e) {
                watchers.remove(this);
                delivery.compacted(e); // it fell behind
                return false;
            }
            for (WatchEvent event : events) {
                if (event.kv().key().startsWith(prefix)) {
                    delivery.deliver(event);
                }
                delivered = event.revision();
            }
            return !delivery.stopped() && delivered < revision;
        }

        @Override
        public void close() {
            delivery.stop();
            watchers.remove(this);
        }
    }
}
