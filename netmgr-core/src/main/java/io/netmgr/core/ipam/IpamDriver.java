package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpAddress;

/**
 * Hands out address pools to networks and addresses of those pools to endpoints (after
 * libnetwork's ipamapi.Ipam). Implementations persist what they hand out and are safe to use
 * from several threads and, when their store is, several processes.
 *
 * <p>Refusals are {@link IpamException}s whose {@link IpamException.Reason} says why.
 */
public interface IpamDriver {

    /**
     * Grants a pool: the request's subnet, or the next free default pool. Reserves the pool's
     * gateway and auxiliary addresses.
     *
     * @throws IpamException POOL_OVERLAP, NO_DEFAULT_POOL_LEFT
     */
    Pool requestPool(PoolRequest request);

    /**
     * Releases a pool with its gateway and auxiliary addresses; releasing an unknown pool does nothing.
     *
     * @throws IpamException POOL_IN_USE while endpoints hold addresses of it
     */
    void releasePool(String poolId);

    /**
     * Hands out an address of the pool to {@code request.owner()}. A preferred address the owner
     * already holds is handed to it again (a retried request; a host claiming again what its
     * endpoint holds), then held under {@code request.lease()} if one is given.
     *
     * @throws IpamException UNKNOWN_POOL, ADDRESS_IN_USE, ADDRESS_OUTSIDE_POOL, RESERVED_ADDRESS, POOL_EXHAUSTED
     */
    AssignedAddress requestAddress(String poolId, AddressRequest request);

    /**
     * Takes {@code address} back from {@code owner}. Releasing an address nobody holds, or of a
     * pool already released, does nothing, so that a repeated CNI DEL succeeds.
     *
     * @throws IpamException NOT_OWNER, ADDRESS_OUTSIDE_POOL
     */
    void releaseAddress(String poolId, IpAddress address, String owner);

    /** Every pool granted, for reconciling with the networks that should own them. */
    java.util.List<Pool> pools();

    /**
     * The addresses of a pool handed out to endpoints, with their owners (gateway and
     * auxiliary addresses left out): what the reconciler compares with the endpoints it knows.
     */
    java.util.Map<IpAddress, String> endpointAddresses(String poolId);

    /**
     * Those of {@link #endpointAddresses} held under {@code lease} ({@link AddressRequest#heldUnder}),
     * by pool id, in every pool at once: a host's own on cluster-wide pools. Empty from an IPAM
     * that holds nothing under leases.
     */
    default java.util.Map<String, java.util.Map<IpAddress, String>> endpointAddressesUnder(io.netmgr.core.store.Lease lease) {
        return java.util.Map.of();
    }
}
