package io.netmgr.core.store;

import java.util.Optional;

/**
 * A compare-and-swap transaction: all {@code if*} conditions are checked, and the
 * operations are applied atomically (one new revision) only if every one holds.
 * Operations apply in the order given; a transaction commits once.
 */
public interface Txn {

    /** Holds when {@code key} does not exist. */
    Txn ifAbsent(String key);

    /** Holds when {@code key} exists. */
    Txn ifPresent(String key);

    /** Holds when {@code key}'s last modification was at {@code modRevision} (0 = absent). */
    Txn ifModRevision(String key, long modRevision);

    /** Sets {@code key} (up to {@link Store#MAX_KEY_BYTES} in UTF-8) to a copy of {@code value}. */
    Txn put(String key, byte[] value);

    /**
     * Sets {@code key} to a copy of {@code value} under {@code lease}: the key is deleted when the
     * lease is revoked or expires. The commit fails with a {@link StoreException} if the lease is
     * no longer alive, and in a store without leases.
     */
    Txn put(String key, byte[] value, Lease lease);

    /**
     * Sets {@code key} to a copy of {@code value}, under {@code lease} when one is given (as
     * {@link #put(String, byte[], Lease)}), else lasting (as {@link #put(String, byte[])}): for
     * records a host keeps under its lease in a cluster and plainly on its own.
     */
    default Txn put(String key, byte[] value, Optional<Lease> lease) {
        return lease.isPresent() ? put(key, value, lease.get()) : put(key, value);
    }

    /** Removes {@code key}; removing an absent key changes nothing. */
    Txn delete(String key);

    /** Removes every key starting with {@code prefix}. */
    Txn deletePrefix(String prefix);

    /** Applies the transaction; {@link TxnResult#succeeded()} is false when a condition failed. */
    TxnResult commit();
}
