package io.netmgr.core.cluster;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import java.util.List;

/**
 * {@code netmgr node rm HOST}: forgets a host that is down for good (a machine retired, a VM
 * deleted), as {@code docker node rm} does. What it held under its lease (addresses, names, peer
 * entries, its registration) went when the lease expired; what stays is its membership record,
 * which keeps it listed as down, and its endpoints' records, kept so that it can claim them again
 * if it comes back. Both go, in one transaction that applies only while the host is still down:
 * a host that registered meanwhile is never cut off. A live host, this one included, is refused.
 * A removed host that comes back registers as a member again; its old endpoints are gone, so its
 * containers must be connected again.
 */
final class HostRemoval {
    private HostRemoval() {
    }

    /** The prefix of host {@code hostId}'s records of global-network endpoints (kept, unlike its claims, without a lease). */
    static String recordsOf(String hostId) {
        return ScopedStore.GLOBAL + "hosts/" + hostId + "/";
    }

    /** Removes the down host {@code ref} names (id, unique id prefix or hostname) among {@code hosts}; returns it. */
    static HostInfo remove(Store cluster, List<ClusterHost> hosts, String ref) {
        ClusterHost host = find(hosts, ref);
        HostInfo info = host.info();
        String label = info.hostname() + " (" + info.advertiseAddress() + ", id " + info.hostId() + ")";
        if (host.self()) {
            throw NetmgrException.conflict("host " + label + " is the host answering this request and is alive; run node rm on"
                    + " another host once this one is down for good");
        }
        if (host.alive()) {
            throw refusedAlive(label);
        }
        boolean removed = cluster.txn().ifAbsent(HostRegistry.HOSTS + info.hostId())
                .delete(HostRegistry.MEMBERS + info.hostId()).deletePrefix(recordsOf(info.hostId())).commit().succeeded();
        if (!removed) {
            throw refusedAlive(label); // it registered again between the look and the removal
        }
        return info;
    }

    private static NetmgrException refusedAlive(String label) {
        return NetmgrException.conflict("host " + label + " is alive (its lease is held): node rm removes only a host that is"
                + " down; stop its netmgrd first and wait for its lease to expire (netmgr node ls shows it down)");
    }

    private static ClusterHost find(List<ClusterHost> hosts, String ref) {
        List<ClusterHost> exact = hosts.stream().filter(h -> h.info().hostId().equals(ref)).toList();
        if (!exact.isEmpty()) {
            return exact.get(0);
        }
        List<ClusterHost> named = hosts.stream().filter(h -> h.info().hostname().equals(ref)).toList();
        if (named.size() > 1) {
            throw NetmgrException.conflict("hostname " + ref + " names " + named.size() + " hosts ("
                    + String.join(", ", named.stream().map(h -> Ids.shortId(h.info().hostId())).toList()) + "); give the id");
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        List<ClusterHost> prefixed = hosts.stream().filter(h -> h.info().hostId().startsWith(ref)).toList();
        if (prefixed.size() == 1 && !ref.isEmpty()) {
            return prefixed.get(0);
        }
        if (prefixed.size() > 1) {
            throw NetmgrException.conflict("host id prefix " + ref + " matches " + prefixed.size() + " hosts; give more of the id");
        }
        throw NetmgrException.notFound("host " + ref + " not found in the cluster (netmgr node ls lists them)");
    }
}
