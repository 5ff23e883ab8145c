package io.netmgr.core.store;

/**
 * A compare-and-swap transaction: all {@code if*} conditions are checked, and the
 * operations are applied atomically (one new revision) only if every one holds.
 */
public interface Txn {

    /** Holds when {@code key} does not exist. */
    Txn ifAbsent(String key);

    /** Holds when {@code key} exists. */
    Txn ifPresent(String key);

    /** Holds when {@code key}'s last modification was at {@code modRevision} (0 = absent). */
    Txn ifModRevision(String key, long modRevision);

    Txn put(String key, byte[] value);

    Txn delete(String key);

    Txn deletePrefix(String prefix);

    /** Applies the transaction; {@link TxnResult#succeeded()} is false when a condition failed. */
    TxnResult commit();
}
