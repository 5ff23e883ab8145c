package io.netmgr.core.controller;

import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;

/**
 * A note that this host is granting cluster addresses for an object not stored yet (see
 * {@link UnfinishedGrants}): the object's creating transaction deletes it with {@link #within},
 * so a stored object leaves no note; an undone creation deletes it with {@link #forget}.
 */
public final class GrantNote {
    /** No note: the object's grants come from this host's own IPAM, which its reconciler tidies. */
    public static final GrantNote NONE = new GrantNote(null, null);

    private final Store store;
    private final String key;

    GrantNote(Store store, String key) {
        this.store = store;
        this.key = key;
    }

    /** {@code commit}, also deleting the note: the object and the end of its note in one transaction. */
    public Txn within(Txn commit) {
        return key == null ? commit : commit.delete(key);
    }

    /** Deletes the note, for a creation undone. */
    public void forget() {
        if (key != null) {
            store.txn().delete(key).commit();
        }
    }
}
