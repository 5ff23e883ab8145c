package io.netmgr.core.fake;

import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * IPAM in memory: pools by subnet (default pools 10.200.N.0/24 and fd00:200:N::/64), addresses
 * handed out lowest first. Each grant and release is a step {@link Faults} can fail.
 */
public final class FakeIpam implements IpamDriver {
    private final Faults faults;
    private final Map<String, Pool> pools = new TreeMap<>();
    private final Map<String, Map<IpAddress, String>> held = new HashMap<>();
    // the lease an address was requested under, as DefaultIpam puts its key under it (never expired here)
    private final Map<IpAddress, Long> leaseOf = new HashMap<>();
    private int leaseListings;

    public FakeIpam(Faults faults) {
        this.faults = faults;
    }

    /** What was handed out: pools and, per pool, the endpoint addresses with their owners. */
    public record Grants(Map<String, Pool> pools, Map<String, Map<IpAddress, String>> addresses) {
    }

    public synchronized Grants grants() {
        Map<String, Map<IpAddress, String>> addresses = new TreeMap<>();
        held.forEach((pool, a) -> {
            if (!a.isEmpty()) {
                addresses.put(pool, Map.copyOf(a));
            }
        });
        return new Grants(Map.copyOf(pools), addresses);
    }

    @Override
    public synchronized Pool requestPool(PoolRequest request) {
        faults.step("ipam requestPool " + request.owner());
        IpamConfig config = request.config().orElseGet(() -> IpamConfig.of(nextDefault(request.family())));
        for (Pool p : pools.values()) {
            if (p.subnet().overlaps(config.subnet())) {
                throw IpamException.poolOverlap(config.subnet(), p.owner(), p.subnet());
            }
        }
        Pool pool = new Pool(config.subnet().toString().replace('/', '-'), request.owner(),
                config.withGateway(config.gatewayOrDefault()));
        pools.put(pool.id(), pool);
        return pool;
    }

    private IpPrefix nextDefault(IpFamily family) {
        for (int n = 0; n < 256; n++) {
            IpPrefix candidate = IpPrefix.parse(family == IpFamily.V4 ? "10.200." + n + ".0/24" : "fd00:200:" + n + "::/64");
            if (pools.values().stream().noneMatch(p -> p.subnet().overlaps(candidate))) {
                return candidate;
            }
        }
        throw IpamException.noDefaultPoolLeft(family);
    }

    @Override
    public synchronized void releasePool(String poolId) {
        faults.step("ipam releasePool " + poolId);
        Pool pool = pools.get(poolId);
        if (pool == null) {
            return;
        }
        Map<IpAddress, String> inUse = held.getOrDefault(poolId, Map.of());
        if (!inUse.isEmpty()) {
            throw IpamException.poolInUse(pool.subnet(), pool.owner(), inUse.keySet().stream().map(IpAddress::toString).toList(),
                    inUse.size());
        }
        pools.remove(poolId);
        held.remove(poolId);
    }

    @Override
    public synchronized AssignedAddress requestAddress(String poolId, AddressRequest request) {
        faults.step("ipam requestAddress " + poolId);
        Pool pool = pools.get(poolId);
        if (pool == null) {
            throw IpamException.unknownPool(poolId);
        }
        Map<IpAddress, String> addresses = held.computeIfAbsent(poolId, k -> new HashMap<>());
        IpAddress address;
        if (request.preferred().isPresent()) {
            address = request.preferred().get();
            if (!pool.subnet().contains(address)) {
                throw IpamException.addressOutsidePool(address, pool.subnet(), request.owner());
            }
            if (request.owner().equals(addresses.get(address))) {
                return new AssignedAddress(address, pool.subnet()); // its owner asking again, as DefaultIpam answers
            }
            if (address.equals(pool.gateway()) || addresses.containsKey(address)) {
                throw IpamException.addressInUse("address " + address, address.equals(pool.gateway()) ? "the gateway"
                        : "endpoint " + addresses.get(address));
            }
        } else {
            address = pool.config().firstUsable();
            while (address.equals(pool.gateway()) || addresses.containsKey(address)
                    || pool.config().auxiliaryAddresses().containsValue(address)) {
                if (address.equals(pool.config().lastUsable())) {
                    throw IpamException.poolExhausted(pool.subnet().toString(), request.owner());
                }
                address = address.next();
            }
        }
        addresses.put(address, request.owner());
        if (request.lease().isPresent()) {
            leaseOf.put(address, request.lease().get().id());
        } else {
            leaseOf.remove(address);
        }
        return new AssignedAddress(address, pool.subnet());
    }

    @Override
    public synchronized void releaseAddress(String poolId, IpAddress address, String owner) {
        faults.step("ipam releaseAddress " + address);
        Map<IpAddress, String> addresses = held.getOrDefault(poolId, new HashMap<>());
        String holder = addresses.get(address);
        if (holder == null) {
            return;
        }
        if (!holder.equals(owner)) {
            throw IpamException.notOwner(address, holder, owner);
        }
        addresses.remove(address);
        leaseOf.remove(address);
    }

    @Override
    public synchronized List<Pool> pools() {
        return List.copyOf(pools.values());
    }

    @Override
    public synchronized Map<IpAddress, String> endpointAddresses(String poolId) {
        return Map.copyOf(held.getOrDefault(poolId, Map.of()));
    }

    @Override
    public synchronized Map<String, Map<IpAddress, String>> endpointAddressesUnder(io.netmgr.core.store.Lease lease) {
        leaseListings++;
        Map<String, Map<IpAddress, String>> under = new TreeMap<>();
        held.forEach((poolId, addresses) -> addresses.forEach((address, owner) -> {
            if (Long.valueOf(lease.id()).equals(leaseOf.get(address))) {
                under.computeIfAbsent(poolId, p -> new TreeMap<>()).put(address, owner);
            }
        }));
        return under;
    }

    /** How many times {@link #endpointAddressesUnder} was asked (each a listing of the lease's keys in a real IPAM). */
    public synchronized int leaseListings() {
        return leaseListings;
    }
}
