package io.netmgr.core.service;

import io.netmgr.core.controller.PeerTable;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.Network;
import io.netmgr.core.store.Lease;
import java.util.Optional;
import java.util.function.Function;

/**
 * What services need of the host they run on, handed over by its controller: where services
 * are stored ({@link ServiceStore}: local or cluster store by their networks' scope), this host's
 * name as backends record it (its cluster host id when clustered, so that `service ps` tells the
 * hosts apart and host-mode ports reach only this host's backends), which IPAM hands out a
 * network's virtual IPs, the lease a network's claims live under (the host's, on a global
 * network) and this host's endpoints.
 */
public record ServiceScope(ServiceStore store, String thisHost, Function<Network, IpamDriver> ipamOf,
        Function<String, Optional<Lease>> leaseFor, Function<String, Optional<Endpoint>> localEndpoint,
        java.util.function.Supplier<java.util.List<Endpoint>> localEndpoints) {

    /** One host alone: services on {@code store}, virtual IPs from {@code ipam}. */
    public static ServiceScope local(ServiceStore store, IpamDriver ipam, Function<String, Optional<Endpoint>> localEndpoint,
                                     java.util.function.Supplier<java.util.List<Endpoint>> localEndpoints) {
        return new ServiceScope(store, ThisHost.name(), network -> ipam, networkId -> Optional.empty(), localEndpoint, localEndpoints);
    }

    /** Whether backend {@code b} runs on this host. */
    public boolean isLocal(ServiceBackend b) {
        return b.host().equals(thisHost);
    }

    /**
     * Whether backend {@code b} takes traffic: its container is joined. Known from this host's
     * endpoint for a local backend; for another host's, from its peer entry, which that host
     * writes while the endpoint is joined and which goes with its lease.
     */
    public boolean joined(ServiceBackend b) {
        if (isLocal(b)) {
            return localEndpoint.apply(b.endpointId()).map(e -> e.sandboxId() != null).orElse(false);
        }
        return store.store().get(PeerTable.PEERS + b.networkId() + "/" + b.endpointId()).isPresent();
    }

    /**
     * {@link #joined} for many backends at once: this host's endpoints read in one go and other
     * hosts' backends in one read of each network's peer entries, not one read per backend (on a
     * global network each is a cluster store round trip).
     */
    public java.util.function.Predicate<ServiceBackend> joinedAll(java.util.List<ServiceBackend> backends) {
        java.util.Set<String> remoteNetworks = new java.util.HashSet<>();
        backends.stream().filter(b -> !isLocal(b)).forEach(b -> remoteNetworks.add(b.networkId()));
        java.util.Set<String> peers = new java.util.HashSet<>();
        for (String networkId : remoteNetworks) {
            String prefix = PeerTable.PEERS + networkId + "/";
            store.store().range(prefix).forEach(kv -> peers.add(networkId + "/" + kv.key().substring(prefix.length())));
        }
        java.util.Set<String> joinedHere = backends.stream().anyMatch(this::isLocal)
                ? localEndpoints.get().stream().filter(e -> e.sandboxId() != null).map(Endpoint::id)
                        .collect(java.util.stream.Collectors.toSet())
                : java.util.Set.of();
        return b -> isLocal(b) ? joinedHere.contains(b.endpointId()) : peers.contains(b.networkId() + "/" + b.endpointId());
    }

    /** The state of a backend as {@code service ps} shows it: running (joined), left (its sandbox left the network) or removed. */
    public String state(ServiceBackend b) {
        if (isLocal(b)) {
            return localEndpoint.apply(b.endpointId()).map(e -> e.sandboxId() != null ? "running" : "left").orElse("removed");
        }
        return joined(b) ? "running" : "left";
    }
}
