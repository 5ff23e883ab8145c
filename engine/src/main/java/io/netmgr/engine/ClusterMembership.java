package io.netmgr.engine;

import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpAddress;

/**
 * How this host takes part in a cluster: the store every host shares (etcd), the host's id in
 * it and its underlay address, where the other hosts reach its overlay endpoints. The store
 * belongs to the caller, who closes it after the engine.
 */
public record ClusterMembership(Store store, String hostId, IpAddress advertiseAddress) {
}
