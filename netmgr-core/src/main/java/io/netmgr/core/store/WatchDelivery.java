package io.netmgr.core.store;

import java.lang.System.Logger.Level;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One watch's side of the SPI's promises to its listener, shared by every store's watches:
 * events reach it one at a time, none after {@link #stop()} returns, and a failing listener or
 * compaction handler is logged, never spread to the store's thread.
 */
public final class WatchDelivery {

    private static final System.Logger LOG = System.getLogger(WatchDelivery.class.getName());

    private final String prefix;
    private final Consumer<WatchEvent> listener;
    private final Consumer<CompactedRevisionException> onCompacted;
    // held while the listener runs, so that stop() returns only after any delivery in flight
    private final ReentrantLock delivering = new ReentrantLock();
    private volatile boolean stopped;

    public WatchDelivery(String prefix, Consumer<WatchEvent> listener, Consumer<CompactedRevisionException> onCompacted) {
        this.prefix = prefix;
        this.listener = listener;
        this.onCompacted = onCompacted;
    }

    public boolean stopped() {
        return stopped;
    }

    /** Hands {@code event} to the listener, unless stopped. */
    public void deliver(WatchEvent event) {
        delivering.lock();
        try {
            if (!stopped) {
                listener.accept(event);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch listener of prefix \"" + prefix + "\" failed on " + event, e);
        } finally {
            delivering.unlock();
        }
    }

    /** Stops the deliveries; returns once a delivery in flight has ended (unless the listener itself calls it). */
    public void stop() {
        stopped = true;
        delivering.lock();
        delivering.unlock();
    }

    /** Stops, the changes still to deliver being no longer kept, and tells the compaction handler. */
    public void compacted(CompactedRevisionException e) {
        LOG.log(Level.ERROR, "watch of prefix \"" + prefix + "\" stops: " + e.getMessage());
        stop();
        try {
            onCompacted.accept(e);
        } catch (RuntimeException failure) {
            LOG.log(Level.WARNING, "watch of prefix \"" + prefix + "\": its compaction handler failed", failure);
        }
    }
}
