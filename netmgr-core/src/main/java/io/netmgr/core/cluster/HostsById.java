package io.netmgr.core.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's hosts as read once, by host id: what a task's or a log line's host id shows as
 * (its advertise address) and whether that host is alive. A host id no host record names (one
 * forgotten by {@code node rm}) shows as itself and is down.
 */
public final class HostsById {
    private final Map<String, ClusterHost> hosts = new HashMap<>();

    HostsById(List<ClusterHost> hosts) {
        hosts.forEach(h -> this.hosts.put(h.info().hostId(), h));
    }

    /** Host {@code hostId}'s advertise address; the id itself for a host no record names. */
    public String address(String hostId) {
        ClusterHost h = hosts.get(hostId);
        return h == null ? hostId : h.info().advertiseAddress();
    }

    /** Whether host {@code hostId}'s lease lives; false for a host no record names. */
    public boolean alive(String hostId) {
        ClusterHost h = hosts.get(hostId);
        return h != null && h.alive();
    }
}
