package io.netmgr.core.store;

import java.util.List;

/** The recent changes of a store, by revision, as read by its {@link WatchHub}. */
interface ChangeLog {

    /** How many of the latest revisions a store keeps for watchers unless told otherwise. */
    int DEFAULT_RETAINED_REVISIONS = 10_000;

    /** The store's current revision. */
    long revision();

    /**
     * The events of the revisions after {@code afterRevision}, in order, from at most
     * {@code maxRevisions} revisions.
     *
     * @throws CompactedRevisionException if revision {@code afterRevision + 1} is no longer kept
     */
    List<WatchEvent> eventsAfter(long afterRevision, int maxRevisions);
}
