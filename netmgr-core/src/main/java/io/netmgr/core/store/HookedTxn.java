package io.netmgr.core.store;

/**
 * A transaction that runs an action just before it commits, then commits as the one it wraps:
 * how a store wrapper counts commits or fails them on purpose, without restating every method.
 */
public final class HookedTxn implements Txn {
    private final Txn txn;
    private final Runnable beforeCommit;

    public HookedTxn(Txn txn, Runnable beforeCommit) {
        this.txn = txn;
        this.beforeCommit = beforeCommit;
    }

    @Override
    public Txn ifAbsent(String key) {
        txn.ifAbsent(key);
        return this;
    }

    @Override
    public Txn ifPresent(String key) {
        txn.ifPresent(key);
        return this;
    }

    @Override
    public Txn ifModRevision(String key, long modRevision) {
        txn.ifModRevision(key, modRevision);
        return this;
    }

    @Override
    public Txn put(String key, byte[] value) {
        txn.put(key, value);
        return this;
    }

    @Override
    public Txn put(String key, byte[] value, Lease lease) {
        txn.put(key, value, lease);
        return this;
    }

    @Override
    public Txn delete(String key) {
        txn.delete(key);
        return this;
    }

    @Override
    public Txn deletePrefix(String prefix) {
        txn.deletePrefix(prefix);
        return this;
    }

    @Override
    public TxnResult commit() {
        beforeCommit.run();
        return txn.commit();
    }
}
