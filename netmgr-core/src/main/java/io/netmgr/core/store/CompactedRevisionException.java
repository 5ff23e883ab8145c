package io.netmgr.core.store;

/**
 * A watch asked for changes the store no longer keeps: only the most recent revisions are
 * retained for watchers. The caller should re-read the state it needs (with {@link Store#range})
 * and watch again after the revision it read at.
 */
public final class CompactedRevisionException extends StoreException {
    private static final long serialVersionUID = 1L;

    private final long requestedAfter;
    private final long oldestRetained;

    public CompactedRevisionException(long requestedAfter, long oldestRetained) {
        super("changes after revision " + requestedAfter + " are no longer kept (oldest kept revision is "
                + oldestRetained + "); re-read the state and watch after its current revision");
        this.requestedAfter = requestedAfter;
        this.oldestRetained = oldestRetained;
    }

    public long requestedAfter() {
        return requestedAfter;
    }

    public long oldestRetained() {
        return oldestRetained;
    }
}
