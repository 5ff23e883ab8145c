package io.netmgr.core.controller;

import io.netmgr.core.Ids;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.network.Network;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Lease;
import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What this host's endpoints on global networks hold in the cluster store under its lease: their
 * addresses, names and attachment-index entries (and, joined, their peer entries). They go when
 * the lease expires (the host died, or was cut off from the store for longer than its TTL), so
 * that another host can take them. A host that comes back with its containers still running
 * claims them again under its new lease, each by compare-and-swap: what nobody took meanwhile is
 * its own again; an address or a name that another endpoint took is a {@link Conflict}, and the
 * endpoint must leave this host's data plane, so that no address ever has two live holders.
 * A restart within the TTL resumes the lease: its keys are still there, so if every endpoint had
 * been claimed under it ({@link #claimedAll}, noted in the host's store) nothing is claimed again.
 */
final class EndpointClaims {
    // a claim loses its compare-and-swap only to another writer of the same keys: a few tries settle it
    private static final int ATTEMPTS = 16;
    /**
     * The lease under which every endpoint of this host was last claimed (a local key). A lease
     * granted anew differs from it until the claims under it are done: a process killed half-way
     * through claiming under a new lease leaves the old id here, and its successor, resuming that
     * new lease, claims again rather than trusting a lease that holds only some of the claims.
     */
    static final String CLAIMED_UNDER = "/netmgr/host/endpoints-claimed-under-lease";

    private final StateStore state;
    private final Function<Network, IpamDriver> ipamOf;

    EndpointClaims(StateStore state, Function<Network, IpamDriver> ipamOf) {
        this.state = state;
        this.ipamOf = ipamOf;
    }

    /** An endpoint of this host whose claim another took while this host's lease was gone; why, for the log. */
    record Conflict(Endpoint endpoint, Optional<Network> network, String reason) {
    }

    /**
     * Whether every claim of this host (its endpoints', its backends') was made under this very
     * lease ({@link #claimedAll}): a restart within the TTL resumed it, and a live lease keeps its
     * keys, which only this host writes, so nothing needs claiming again.
     */
    boolean claimedUnderCurrentLease() {
        Optional<Lease> lease = state.hostLease();
        return lease.isPresent() && state.store().get(CLAIMED_UNDER).map(kv -> kv.valueAsString())
                .equals(Optional.of(Long.toString(lease.get().id())));
    }

    /** Claims again, under the current lease, every endpoint this host has on a global network; returns those it lost. */
    List<Conflict> claimAgain() {
        List<Conflict> lost = new ArrayList<>();
        for (Endpoint e : state.endpoints()) {
            if (state.isGlobalNetwork(e.networkId())) {
                claimAgain(e).ifPresent(lost::add);
            }
        }
        return lost;
    }

    private Optional<Conflict> claimAgain(Endpoint e) {
        Optional<Network> network = state.network(e.networkId());
        if (network.isEmpty()) {
            return Optional.of(new Conflict(e, network, "its network " + e.networkId() + " was removed while this host was away"));
        }
        Optional<String> addressLost = claimAddresses(network.get(), e);
        if (addressLost.isPresent()) {
            return Optional.of(new Conflict(e, network, addressLost.get()));
        }
        String nameKey = state.endpointNameKey(e.networkId(), e.name());
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<KeyValue> name = state.store().get(nameKey);
            if (name.isPresent() && !name.get().valueAsString().equals(e.id())) {
                return Optional.of(new Conflict(e, network, "its name " + e.name() + " was taken on network "
                        + network.get().name() + " by endpoint " + name.get().valueAsString() + " while this host was away"));
            }
            var txn = state.txn().ifPresent(state.keyOf(e)).ifModRevision(nameKey, name.map(KeyValue::modRevision).orElse(0L));
            if (state.save(state.claim(txn, e), e).commit().succeeded()) {
                return Optional.empty();
            }
            if (state.endpoint(e.id()).isEmpty()) {
                return Optional.empty(); // removed meanwhile: nothing left to claim
            }
        }
        throw new IllegalStateException("could not claim endpoint " + e.name() + " again: " + ATTEMPTS
                + " transactions in a row lost to concurrent writers");
    }

    /** Holds each of {@code e}'s addresses again under the lease; the first one another holds now, if any. */
    private Optional<String> claimAddresses(Network network, Endpoint e) {
        IpamDriver ipam = ipamOf.apply(network);
        Optional<Lease> lease = state.leaseFor(network.id());
        List<IpAddress> ips = e.ips();
        for (int i = 0; i < ips.size() && i < network.pools().size(); i++) {
            try {
                ipam.requestAddress(network.pools().get(i).poolId(), AddressRequest.preferred(e.id(), ips.get(i)).heldUnder(lease));
            } catch (IpamException taken) {
                return Optional.of("its address " + ips.get(i) + " on network " + network.name()
                        + " was taken while this host was away: " + taken.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * Notes that every endpoint of this host is claimed under the current lease: once those
     * {@link #claimAgain} lost are withdrawn (a lost one no longer holds anything here).
     */
    void claimedAll() {
        state.hostLease().ifPresent(lease -> state.txn().put(CLAIMED_UNDER, StateStore.text(Long.toString(lease.id()))).commit());
    }

    /**
     * Gives back the addresses this host holds under its lease for an endpoint it never stored: a
     * process killed (kill -9) between reserving an address and storing its endpoint leaves it
     * held, and the restart resumes the lease, which would hold it until the host dies. Only this
     * host's: the address is under this host's lease (another host's in-flight reservation is
     * under its own), its owner is an endpoint id (not a service mesh's) with no record on this
     * host, and the caller holds the controller's lock, so no endpoint of this host is half made.
     * Each release is a compare-and-swap on the address's holder. Returns one line per address.
     */
    List<String> releaseLeftovers() {
        List<String> released = new ArrayList<>();
        // what each IPAM holds under the lease, read once (one listing of the lease's keys), not once per pool
        Map<IpamDriver, Map<String, Map<IpAddress, String>>> underLease = new IdentityHashMap<>();
        Set<String> stored = null; // the endpoints' ids, read once when a held address needs them
        for (Network network : state.networks("")) {
            Optional<Lease> lease = state.leaseFor(network.id());
            if (lease.isEmpty()) {
                continue; // a local network: the reconciler's
            }
            IpamDriver ipam = ipamOf.apply(network);
            Map<String, Map<IpAddress, String>> byPool = underLease.computeIfAbsent(ipam, i -> i.endpointAddressesUnder(lease.get()));
            for (var pool : network.pools()) {
                for (var held : byPool.getOrDefault(pool.poolId(), Map.of()).entrySet()) {
                    String owner = held.getValue();
                    if (!Ids.isFullId(owner)) {
                        continue;
                    }
                    if (stored == null) {
                        stored = state.endpoints().stream().map(Endpoint::id).collect(Collectors.toSet());
                    }
                    if (stored.contains(owner)) {
                        continue;
                    }
                    try {
                        ipam.releaseAddress(pool.poolId(), held.getKey(), owner);
                        released.add("released " + held.getKey() + " on network " + network.name() + ": its endpoint " + owner
                                + " was never stored (a process killed while creating it)");
                    } catch (IpamException changed) {
                        // its holder changed meanwhile: no longer a leftover
                    }
                }
            }
        }
        return released;
    }


    /**
     * Forgets lost endpoint {@code e}: its record and what it still holds
     * by its own id (its index and peer entries), and its name only if the name is still its own.
     */
    void forgetLost(Endpoint e) {
        String nameKey = state.endpointNameKey(e.networkId(), e.name());
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<KeyValue> name = state.store().get(nameKey);
            var txn = state.txn().ifModRevision(nameKey, name.map(KeyValue::modRevision).orElse(0L))
                    .delete(state.keyOf(e)).delete(state.attached(e.networkId()) + e.id())
                    .delete(StateStore.peerKey(e.networkId(), e.id()));
            if (name.isPresent() && name.get().valueAsString().equals(e.id())) {
                txn.delete(nameKey);
            }
            if (txn.commit().succeeded()) {
                return;
            }
        }
        throw new IllegalStateException("could not forget endpoint " + e.name() + ": " + ATTEMPTS
                + " transactions in a row lost to concurrent writers");
    }

    /** Gives back those of lost endpoint {@code e}'s addresses it still holds; those another took stay theirs. */
    void releaseHeld(Network network, Endpoint e) {
        IpamDriver ipam = ipamOf.apply(network);
        List<IpAddress> ips = e.ips();
        for (int i = 0; i < ips.size() && i < network.pools().size(); i++) {
            try {
                ipam.releaseAddress(network.pools().get(i).poolId(), ips.get(i), e.id());
            } catch (IpamException heldByAnother) {
                // the conflict itself: the address is the other holder's now
            }
        }
    }
}
