package io.netmgr.core.driver;

/**
 * Where a driver's networks are known (libnetwork's data scope): on one host, kept in the
 * embedded store, or on every host of a cluster, kept in the cluster store.
 */
public enum Scope {
    LOCAL,
    GLOBAL
}
