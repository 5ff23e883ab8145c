package io.netmgr.core.store;

/** The outcome of {@link Txn#commit()}: whether the conditions held, and the store revision after it. */
public record TxnResult(boolean succeeded, long revision) {
}
