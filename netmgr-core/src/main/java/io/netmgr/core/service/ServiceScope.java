package io.netmgr.core.service;

import io.netmgr.core.controller.GrantNote;
import io.netmgr.core.controller.PeerTable;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.Network;
import io.netmgr.core.store.Lease;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What services need of the host they run on, handed over by its controller: where services
 * are stored ({@link ServiceStore}: local or cluster store by their networks' scope), this host's
 * name as backends record it (its cluster host id when clustered, so that `service ps` tells the
 * hosts apart and host-mode ports reach only this host's backends), which IPAM hands out a
 * network's virtual IPs, the lease a network's claims live under (the host's, on a global
 * network) and this host's endpoints; and {@code noteVipGrants}, which notes a service whose
 * VIPs on a global network are about to be granted, so that a process killed before the service
 * is stored gives them back at its next start.
 */
public record ServiceScope(ServiceStore store, String thisHost, Function<Network, IpamDriver> ipamOf,
        Function<String, Optional<Lease>> leaseFor, Function<String, Optional<Endpoint>> localEndpoint,
        Supplier<List<Endpoint>> localEndpoints, Function<String, GrantNote> noteVipGrants) {

    /** One host alone: services on {@code store}, virtual IPs from {@code ipam}. */
    public static ServiceScope local(ServiceStore store, IpamDriver ipam, Function<String, Optional<Endpoint>> localEndpoint,
                                     Supplier<List<Endpoint>> localEndpoints) {
        // no note of VIP grants: a host alone releases what a killed process left through its own reconciler
        return new ServiceScope(store, ThisHost.name(), network -> ipam, networkId -> Optional.empty(), localEndpoint, localEndpoints,
                id -> GrantNote.NONE);
    }

    /** Whether backend {@code b} runs on this host. */
    public boolean isLocal(ServiceBackend b) {
        return b.host().equals(thisHost);
    }

    /**
     * The state of each of {@code backends} as {@code service ps} shows it: running (its container
     * is joined), left (its sandbox left the network) or removed (a backend of this host whose
     * endpoint is gone). Known from this host's endpoints, read in one go, for its own backends; for
     * another host's, from its peer entry, which that host writes while the endpoint is joined and
     * which goes with its lease: one read of each network's peer entries, not one read per backend
     * (on a global network each read is a cluster store round trip).
     */
    public Function<ServiceBackend, String> states(List<ServiceBackend> backends) {
        return states(backends, backends.stream().anyMatch(this::isLocal) ? localEndpoints.get() : List.of());
    }

    /** {@link #states(List)}, with this host's endpoints ({@code endpoints}) read by the caller already. */
    public Function<ServiceBackend, String> states(List<ServiceBackend> backends, Collection<Endpoint> endpoints) {
        Map<String, Endpoint> here = new HashMap<>();
        endpoints.forEach(e -> here.put(e.id(), e));
        Set<String> peers = new HashSet<>();
        backends.stream().filter(b -> !isLocal(b)).map(ServiceBackend::networkId).distinct().forEach(networkId -> {
            String prefix = PeerTable.PEERS + networkId + "/";
            store.store().range(prefix).forEach(kv -> peers.add(networkId + "/" + kv.key().substring(prefix.length())));
        });
        return b -> {
            if (isLocal(b)) {
                Endpoint e = here.get(b.endpointId());
                return e == null ? "removed" : e.sandboxId() != null ? "running" : "left";
            }
            return peers.contains(b.networkId() + "/" + b.endpointId()) ? "running" : "left";
        };
    }

    /** Whether each of {@code backends} takes traffic: its container is joined ({@link #states}, at the same cost). */
    public Predicate<ServiceBackend> joinedAll(List<ServiceBackend> backends) {
        return running(states(backends));
    }

    /** {@link #joinedAll(List)}, with this host's endpoints ({@code endpoints}) read by the caller already. */
    public Predicate<ServiceBackend> joinedAll(List<ServiceBackend> backends, Collection<Endpoint> endpoints) {
        return running(states(backends, endpoints));
    }

    private static Predicate<ServiceBackend> running(Function<ServiceBackend, String> states) {
        return b -> states.apply(b).equals("running");
    }
}
