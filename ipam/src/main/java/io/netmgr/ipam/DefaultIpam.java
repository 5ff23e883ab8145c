package io.netmgr.ipam;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.StoreException;
import io.netmgr.core.store.Txn;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * netmgr's own IPAM driver: pools and addresses kept in the {@link Store} (layout in
 * {@link IpamKeys}), so that the daemon and CNI plugin processes share them.
 *
 * <p>Every change is one store transaction, made optimistically: read, decide, then commit on
 * the condition that what was read is unchanged; a transaction that loses to another writer is
 * tried again from fresh reads. An address is handed out by creating its key only if absent,
 * so no two requests, in any processes, ever get the same address.
 *
 * <p>Choices, mostly Docker's: a pool is released only once no endpoint holds an address of it
 * (gateway and auxiliary addresses go with it); a preferred address may lie outside the IP range
 * as long as it is in the subnet, so fixed addresses can be kept apart from dynamic ones (but not
 * outside address ranges, which follow CNI host-local: nothing outside them is ever handed out); a
 * preferred address does not move the pointer of dynamic ones; releases are idempotent.
 * Unlike Docker, the default gateway is the subnet's first usable address even with an IP range.
 *
 * <p>Holds no state of its own but the pools' records as last read (a pool's record is written
 * once, when the pool is granted, and only deleted after): a request for an address reads the
 * record from here and its transaction still requires the record's revision unchanged, so a pool
 * released or granted again meanwhile fails the commit and the retry reads afresh. On etcd that is
 * one round trip less per address. Safe for any number of threads.
 */
public final class DefaultIpam implements IpamDriver {

    // contention is between a handful of writers; thousands of lost races in a row is a bug
    private static final int MAX_ATTEMPTS = 10_000;
    private static final byte[] NONE = new byte[0];

    private final Store store;
    private final Supplier<List<IpPrefix>> hostRoutes;
    private final DefaultPools defaults;
    private final Map<String, KeyValue> poolRecords = new ConcurrentHashMap<>();

    /**
     * @param hostRoutes the destinations the host routes now (the controller lists them with netlink);
     *                   default pools overlapping any of them are skipped. Default routes (/0) are ignored.
     * @param defaults   the default pools, {@link DefaultPools#forThisHost()} unless configured
     */
    public DefaultIpam(Store store, Supplier<List<IpPrefix>> hostRoutes, DefaultPools defaults) {
        this.store = Objects.requireNonNull(store, "store");
        this.hostRoutes = Objects.requireNonNull(hostRoutes, "hostRoutes");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
    }

    @Override
    public Pool requestPool(PoolRequest request) {
        return retry("grant a pool to network " + request.owner(), () -> tryRequestPool(request));
    }

    @Override
    public void releasePool(String poolId) {
        retry("release pool " + poolId, () -> tryReleasePool(poolId));
    }

    @Override
    public AssignedAddress requestAddress(String poolId, AddressRequest request) {
        return retry("hand out an address of pool " + poolId, () -> tryRequestAddress(poolId, request));
    }

    @Override
    public void releaseAddress(String poolId, IpAddress address, String owner) {
        retry("release " + address + " of pool " + poolId, () -> tryReleaseAddress(poolId, address, owner));
    }

    @Override
    public List<Pool> pools() {
        return store.range(IpamKeys.POOLS).stream()
                .map(kv -> PoolCodec.decode(kv.key().substring(IpamKeys.POOLS.length()), kv.value()))
                .toList();
    }

    @Override
    public java.util.Map<IpAddress, String> endpointAddresses(String poolId) {
        return endpointHolders(poolId, key -> true);
    }

    @Override
    public java.util.Map<String, java.util.Map<IpAddress, String>> endpointAddressesUnder(io.netmgr.core.store.Lease lease) {
        // one listing of the lease's keys; then the holders of the pools it has addresses in
        java.util.Set<String> underLease = store.keysUnder(lease.id());
        java.util.Map<String, java.util.Map<IpAddress, String>> byPool = new java.util.TreeMap<>();
        for (String poolId : underLease.stream().map(IpamKeys::poolOfAddress).flatMap(Optional::stream).distinct().toList()) {
            java.util.Map<IpAddress, String> holders = endpointHolders(poolId, underLease::contains);
            if (!holders.isEmpty()) {
                byPool.put(poolId, holders);
            }
        }
        return byPool;
    }

    // the endpoints holding addresses of pool poolId whose address key passes `key`, by address
    private java.util.Map<IpAddress, String> endpointHolders(String poolId, java.util.function.Predicate<String> key) {
        java.util.Map<IpAddress, String> holders = new java.util.TreeMap<>();
        for (var kv : store.range(IpamKeys.addresses(poolId))) {
            if (key.test(kv.key()) && Holder.decode(kv.key(), kv.value()) instanceof Holder.Endpoint e) {
                holders.put(IpamKeys.addressOf(kv.key()), e.id());
            }
        }
        return holders;
    }

    private Optional<Pool> tryRequestPool(PoolRequest request) {
        // read the guard before the pools: if no pool came or went since, the list is still true at commit
        long poolSetRevision = modRevision(store.get(IpamKeys.POOL_SET));
        List<Pool> pools = pools();
        IpamConfig config = request.config()
                .map(c -> checkNoOverlap(c, pools))
                .orElseGet(() -> IpamConfig.of(firstFreeDefault(request.family(), pools)));
        Pool pool = new Pool(IpamKeys.poolId(config.subnet()), request.owner(), config.withGateway(config.gatewayOrDefault()));

        Txn txn = store.txn()
                .ifModRevision(IpamKeys.POOL_SET, poolSetRevision)
                .ifAbsent(IpamKeys.pool(pool.id()))
                .put(IpamKeys.pool(pool.id()), PoolCodec.encode(pool))
                .put(IpamKeys.POOL_SET, pool.id().getBytes(UTF_8))
                .put(IpamKeys.address(pool.id(), pool.gateway()), new Holder.Gateway().bytes());
        pool.config().auxiliaryAddresses().forEach((name, address) ->
                txn.put(IpamKeys.address(pool.id(), address), new Holder.Auxiliary(name).bytes()));
        boolean granted = txn.commit().succeeded();
        if (granted) {
            poolRecords.remove(pool.id()); // one released elsewhere may still be kept under this id
        }
        return granted ? Optional.of(pool) : Optional.empty();
    }

    private static IpamConfig checkNoOverlap(IpamConfig config, List<Pool> pools) {
        pools.stream().filter(p -> p.subnet().overlaps(config.subnet())).findFirst().ifPresent(p -> {
            throw IpamException.poolOverlap(config.subnet(), p.owner(), p.subnet());
        });
        return config;
    }

    private IpPrefix firstFreeDefault(IpFamily family, List<Pool> pools) {
        // a default route overlaps everything; it says nothing about which subnets are in use
        List<IpPrefix> taken = hostRoutes.get().stream()
                .filter(route -> route.family() == family && route.length() > 0)
                .toList();
        return defaults.candidates(family)
                .filter(candidate -> pools.stream().noneMatch(p -> p.subnet().overlaps(candidate)))
                .filter(candidate -> taken.stream().noneMatch(candidate::overlaps))
                .findFirst()
                .orElseThrow(() -> IpamException.noDefaultPoolLeft(family));
    }

    private Optional<String> tryReleasePool(String poolId) {
        poolRecords.remove(poolId);
        Optional<KeyValue> record = store.get(IpamKeys.pool(poolId));
        if (record.isEmpty()) {
            return Optional.of(poolId);
        }
        Pool pool = PoolCodec.decode(poolId, record.get().value());
        // every request rewrites the pointer: unchanged at commit means no address was handed out since the range
        long lastRevision = modRevision(store.get(IpamKeys.last(poolId)));
        List<KeyValue> endpoints = store.range(IpamKeys.addresses(poolId)).stream()
                .filter(kv -> Holder.decode(kv.key(), kv.value()) instanceof Holder.Endpoint)
                .toList();
        if (!endpoints.isEmpty()) {
            List<String> shown = endpoints.stream().limit(3)
                    .map(kv -> IpamKeys.addressOf(kv.key()) + " (" + Holder.decode(kv.key(), kv.value()).describe() + ")")
                    .toList();
            throw IpamException.poolInUse(pool.subnet(), pool.owner(), shown, endpoints.size());
        }
        boolean released = store.txn()
                .ifModRevision(IpamKeys.pool(poolId), record.get().modRevision())
                .ifModRevision(IpamKeys.last(poolId), lastRevision)
                .delete(IpamKeys.pool(poolId))
                .deletePrefix(IpamKeys.addresses(poolId))
                .delete(IpamKeys.last(poolId))
                .put(IpamKeys.POOL_SET, poolId.getBytes(UTF_8))
                .commit().succeeded();
        return released ? Optional.of(poolId) : Optional.empty();
    }

    private Optional<AssignedAddress> tryRequestAddress(String poolId, AddressRequest request) {
        // the gateway is answered from the record without a transaction to check it: read afresh
        KeyValue record = request.gateway() ? poolRecord(poolId) : poolRecords.computeIfAbsent(poolId, this::poolRecord);
        Pool pool = PoolCodec.decode(poolId, record.value());
        if (request.gateway()) {
            return Optional.of(new AssignedAddress(pool.gateway(), pool.subnet()));
        }
        Holder.Endpoint holder = new Holder.Endpoint(request.owner());
        Optional<KeyValue> last = store.get(IpamKeys.last(poolId));
        IpAddress address;
        byte[] pointer;
        if (request.preferred().isPresent()) {
            address = request.preferred().get();
            Optional<KeyValue> held = checkPreferred(pool, address, holder);
            if (held.isPresent()) {
                // the owner asking again for what it holds (a retried CNI ADD) gets it again; under
                // a lease, the new one (a host re-claiming after its lease expired): unless it changed meanwhile
                boolean kept = request.lease().isEmpty() || store.txn()
                        .ifModRevision(held.get().key(), held.get().modRevision())
                        .put(held.get().key(), holder.bytes(), request.lease().get())
                        .commit().succeeded();
                return kept ? Optional.of(new AssignedAddress(address, pool.subnet())) : Optional.empty();
            }
            // a user's fixed address leaves the pointer of the dynamic ones where it was
            pointer = last.map(KeyValue::value).orElse(NONE);
        } else {
            Optional<IpAddress> previous = last.map(KeyValue::value).filter(v -> v.length > 0)
                    .map(v -> IpAddress.parse(new String(v, UTF_8)));
            address = new FreeAddressSearch(store, poolId, pool.config()).after(previous)
                    .orElseThrow(() -> IpamException.poolExhausted(pool.config().allocationText(), pool.owner()));
            pointer = address.toString().getBytes(UTF_8);
        }
        String key = IpamKeys.address(poolId, address);
        Txn txn = store.txn()
                .ifModRevision(IpamKeys.pool(poolId), record.modRevision())
                .ifModRevision(IpamKeys.last(poolId), modRevision(last))
                .ifAbsent(key);
        // under a lease, the address is free again once its holder's host is gone
        boolean granted = txn.put(key, holder.bytes(), request.lease()).put(IpamKeys.last(poolId), pointer).commit().succeeded();
        if (!granted) {
            poolRecords.remove(poolId); // perhaps the pool changed: the retry reads it again
        }
        return granted ? Optional.of(new AssignedAddress(address, pool.subnet())) : Optional.empty();
    }

    private KeyValue poolRecord(String poolId) {
        return store.get(IpamKeys.pool(poolId)).orElseThrow(() -> IpamException.unknownPool(poolId));
    }

    /** Refuses a preferred address outside the subnet, reserved, or held by another; returns its key if {@code holder} holds it. */
    private Optional<KeyValue> checkPreferred(Pool pool, IpAddress address, Holder holder) {
        if (!pool.subnet().contains(address)) {
            throw IpamException.addressOutsidePool(address, pool.subnet(), pool.owner());
        }
        IpamConfig.checkUsable(pool.subnet(), "address " + address, address);
        if (!pool.config().addressRanges().isEmpty() && !pool.config().inAllocationRanges(address)) {
            throw IpamException.addressOutsideRanges(address, pool.config().allocationText(), pool.owner());
        }
        Optional<KeyValue> held = store.get(IpamKeys.address(pool.id(), address));
        held.map(kv -> Holder.decode(kv.key(), kv.value())).filter(h -> !h.equals(holder)).ifPresent(h -> {
            throw IpamException.addressInUse("address " + address, h.describe());
        });
        return held;
    }

    private Optional<IpAddress> tryReleaseAddress(String poolId, IpAddress address, String owner) {
        Optional<KeyValue> record = store.get(IpamKeys.pool(poolId));
        if (record.isEmpty()) {
            // the pool went, and its addresses with it
            return Optional.of(address);
        }
        Pool pool = PoolCodec.decode(poolId, record.get().value());
        if (!pool.subnet().contains(address)) {
            throw IpamException.addressOutsidePool(address, pool.subnet(), pool.owner());
        }
        String key = IpamKeys.address(poolId, address);
        Optional<KeyValue> held = store.get(key);
        if (held.isEmpty()) {
            return Optional.of(address);
        }
        Holder holder = Holder.decode(key, held.get().value());
        if (!holder.equals(new Holder.Endpoint(owner))) {
            throw IpamException.notOwner(address, holder.describe(), owner);
        }
        boolean released = store.txn()
                .ifModRevision(key, held.get().modRevision())
                .delete(key)
                .commit().succeeded();
        return released ? Optional.of(address) : Optional.empty();
    }

    private static long modRevision(Optional<KeyValue> kv) {
        return kv.map(KeyValue::modRevision).orElse(0L);
    }

    /** Runs {@code attempt} until it settles (a result or an exception) rather than losing a race. */
    private static <T> T retry(String what, Supplier<Optional<T>> attempt) {
        for (int i = 0; i < MAX_ATTEMPTS; i++) {
            Optional<T> result = attempt.get();
            if (result.isPresent()) {
                return result.get();
            }
        }
        throw new StoreException("could not " + what + ": " + MAX_ATTEMPTS
                + " transactions in a row lost to concurrent writers; try again");
    }
}
