package io.netmgr.engine;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpAddress;
import java.time.Duration;

/**
 * How this host takes part in a cluster: the store every host shares (etcd), the host's lasting
 * id and its underlay address, where the other hosts reach its overlay endpoints, and how it
 * registers ({@link HostRegistry}: hostname, version, lease TTL). The store belongs to the
 * caller, who closes it after the engine.
 */
public record ClusterMembership(Store store, String hostId, IpAddress advertiseAddress, String hostname, String version,
                                Duration leaseTtl) {

    /** With the default lease TTL ({@link HostRegistry#DEFAULT_LEASE_TTL}). */
    public static ClusterMembership of(Store store, String hostId, IpAddress advertiseAddress, String hostname) {
        return new ClusterMembership(store, hostId, advertiseAddress, hostname, "unknown", HostRegistry.DEFAULT_LEASE_TTL);
    }
}
