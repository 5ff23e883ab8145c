package io.netmgr.engine;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpAddress;
import java.time.Duration;

/**
 * How this host takes part in a cluster: the store every host shares (etcd), its underlay
 * address, where the other hosts reach its overlay endpoints, the name it registers under and
 * the TTL of its lease. The store belongs to the caller, who closes it after the engine.
 */
public record ClusterMembership(Store store, IpAddress advertiseAddress, String hostname, Duration leaseTtl) {

    /** With the default lease TTL ({@link HostRegistry#DEFAULT_LEASE_TTL}). */
    public static ClusterMembership of(Store store, IpAddress advertiseAddress, String hostname) {
        return new ClusterMembership(store, advertiseAddress, hostname, HostRegistry.DEFAULT_LEASE_TTL);
    }
}
