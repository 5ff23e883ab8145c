package io.netmgr.core.store;

/** A running watch; closing it stops the deliveries. */
public interface Watch extends AutoCloseable {
    @Override
    void close();
}
