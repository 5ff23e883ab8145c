package io.netmgr.ipam;

import static io.netmgr.ipam.DefaultIpamTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamException.Reason;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * DefaultIpam against {@link AllocationModel}: random sequences of requests and releases on
 * random small pools. Each case is generated from its own seed, shown in its name; run one
 * again with {@code -Dipam.seed=SEED}. (Plain JUnit: jqwik's author asks AI agents not to use it.)
 */
class DefaultIpamPropertiesTest {
    private static final long FIRST_SEED = 0x1b2a_2026L;

    private static final IpPrefix ULA = IpPrefix.parse("fd12:3456:789a::/48");

    /** One step of a sequence; each checks its own outcome against the model. */
    sealed interface Action {
        void run(DefaultIpam ipam, AllocationModel model);
    }

    /** A request without preference: the next free address after the last one, or POOL_EXHAUSTED. */
    record Request(int owner) implements Action {
        @Override
        public void run(DefaultIpam ipam, AllocationModel model) {
            Optional<IpAddress> expected = model.expectedNext();
            if (expected.isEmpty()) {
                refused(() -> ipam.requestAddress(model.pool.id(), AddressRequest.any("ep" + owner)), Reason.POOL_EXHAUSTED,
                        "no available addresses in " + model.config.allocationText() + " of network net; remove unused endpoints,"
                                + " or use a larger --subnet or --ip-range");
                return;
            }
            IpAddress got = ipam.requestAddress(model.pool.id(), AddressRequest.any("ep" + owner)).address();
            assertThat(model.holders).as("never handed out twice, never the gateway or an auxiliary address").doesNotContainKey(got);
            assertThat(model.config.inAllocationRanges(got)).as("%s inside the ranges %s", got, model.config.allocationText()).isTrue();
            assertThat(model.config.isUsable(got)).as("%s neither network nor broadcast address", got).isTrue();
            assertThat(got).as("the first free address after the last one handed out").isEqualTo(expected.get());
            model.handedOut(got, "ep" + owner);
        }
    }

    /** A request for the address at {@code offset} from the network address, perhaps outside the subnet. */
    record Preferred(int owner, int offset) implements Action {
        @Override
        public void run(DefaultIpam ipam, AllocationModel model) {
            IpAddress address = model.at(offset);
            AddressRequest request = AddressRequest.preferred("ep" + owner, address);
            String holder = model.holders.get(address);
            Reason refusal = !model.config.subnet().contains(address) ? Reason.ADDRESS_OUTSIDE_POOL
                    : !model.config.isUsable(address) ? Reason.RESERVED_ADDRESS
                    : !model.config.addressRanges().isEmpty() && !model.config.inAllocationRanges(address) ? Reason.ADDRESS_OUTSIDE_POOL
                    : holder != null && !holder.equals("endpoint:ep" + owner) ? Reason.ADDRESS_IN_USE
                    : null;
            if (refusal != null) {
                try {
                    ipam.requestAddress(model.pool.id(), request);
                    throw new AssertionError(address + " handed out to ep" + owner + " but expected " + refusal);
                } catch (IpamException e) {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(refusal);
                }
                return;
            }
            assertThat(ipam.requestAddress(model.pool.id(), request).address()).isEqualTo(address);
            model.preferred(address, "ep" + owner);
        }
    }

    /** Its holder releases the {@code pick}-th endpoint address, or an address nobody holds. */
    record Release(int pick) implements Action {
        @Override
        public void run(DefaultIpam ipam, AllocationModel model) {
            List<Map.Entry<IpAddress, String>> endpoints = model.endpoints();
            if (endpoints.isEmpty()) {
                ipam.releaseAddress(model.pool.id(), model.config.subnet().network(), "ep0");
                return;
            }
            Map.Entry<IpAddress, String> held = endpoints.get(pick % endpoints.size());
            ipam.releaseAddress(model.pool.id(), held.getKey(), held.getValue().substring("endpoint:".length()));
            model.released(held.getKey());
        }
    }

    /** Someone else tries to release the {@code pick}-th held address (the gateway included): refused. */
    record ReleaseByStranger(int pick) implements Action {
        @Override
        public void run(DefaultIpam ipam, AllocationModel model) {
            List<IpAddress> held = new ArrayList<>(model.holders.keySet());
            IpAddress address = held.get(pick % held.size());
            try {
                ipam.releaseAddress(model.pool.id(), address, "stranger");
                throw new AssertionError("a stranger released " + address);
            } catch (IpamException e) {
                assertThat(e.reason()).isEqualTo(Reason.NOT_OWNER);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> anyInterleavingHandsOutEachAddressOnceInsideTheRange() {
        return cases(300, random -> anyInterleaving(config(random, 2, 6), actions(random)));
    }

    private static void anyInterleaving(IpamConfig config, List<Action> actions) {
        try (MemoryStore store = new MemoryStore()) {
            DefaultIpam ipam = new DefaultIpam(store, List::of, DefaultPools.docker(ULA));
            AllocationModel model = new AllocationModel(ipam.requestPool(PoolRequest.of("net", config)));
            for (Action action : actions) {
                action.run(ipam, model);
            }
            assertThat(holdersInStore(store, model.pool)).isEqualTo(model.holders);
        }
    }

    @TestFactory
    Stream<DynamicTest> smallPoolsRunOutOnlyOnceEveryUsableAddressIsHeld() {
        return cases(100, random -> runOut(config(random, 2, 4)));
    }

    private static void runOut(IpamConfig config) {
        try (MemoryStore store = new MemoryStore()) {
            DefaultIpam ipam = new DefaultIpam(store, List::of, DefaultPools.docker(ULA));
            AllocationModel model = new AllocationModel(ipam.requestPool(PoolRequest.of("net", config)));
            Set<IpAddress> handedOut = new HashSet<>();
            for (int i = 0; i < model.candidates.size(); i++) {
                handedOut.add(ipam.requestAddress(model.pool.id(), AddressRequest.any("ep" + i)).address());
            }
            assertThat(handedOut).containsExactlyInAnyOrderElementsOf(model.candidates);
            refused(() -> ipam.requestAddress(model.pool.id(), AddressRequest.any("one-too-many")), Reason.POOL_EXHAUSTED,
                    "no available addresses in " + config.allocationText() + " of network net; remove unused endpoints,"
                            + " or use a larger --subnet or --ip-range");
        }
    }

    @TestFactory
    Stream<DynamicTest> defaultPoolIsTheFirstCandidateClearOfRoutesAndPools() {
        return cases(200, random -> defaultPoolChoice(hostRoutes(random), userSubnets(random)));
    }

    private static void defaultPoolChoice(List<IpPrefix> routes, List<IpPrefix> userSubnets) {
        try (MemoryStore store = new MemoryStore()) {
            DefaultPools defaults = DefaultPools.docker(ULA);
            DefaultIpam ipam = new DefaultIpam(store, () -> routes, defaults);
            List<IpPrefix> pools = new ArrayList<>();
            for (IpPrefix subnet : userSubnets) {
                if (pools.stream().noneMatch(subnet::overlaps)) {
                    pools.add(ipam.requestPool(PoolRequest.of("user", IpamConfig.of(subnet))).subnet());
                }
            }
            List<IpPrefix> taken = new ArrayList<>(pools);
            routes.stream().filter(r -> r.length() > 0).forEach(taken::add);
            for (int i = 0; i < 3; i++) {
                Optional<IpPrefix> expected = defaults.candidates(IpFamily.V4)
                        .filter(c -> taken.stream().noneMatch(c::overlaps)).findFirst();
                if (expected.isEmpty()) {
                    refused(() -> ipam.requestPool(PoolRequest.defaultPool("n", IpFamily.V4)), Reason.NO_DEFAULT_POOL_LEFT,
                            "no default IPv4 pool left: each one is used by a network or overlaps a route of this host;"
                                    + " remove unused networks, or give a --subnet");
                    return;
                }
                IpPrefix granted = ipam.requestPool(PoolRequest.defaultPool("n" + i, IpFamily.V4)).subnet();
                assertThat(granted).isEqualTo(expected.get());
                taken.add(granted);
            }
        }
    }

    /** {@code count} cases, seeds counting up from FIRST_SEED, or only {@code -Dipam.seed}. */
    private static Stream<DynamicTest> cases(int count, Consumer<SplittableRandom> check) {
        Long only = Long.getLong("ipam.seed");
        LongStream seeds = only != null ? LongStream.of(only) : LongStream.range(FIRST_SEED, FIRST_SEED + count);
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            try {
                check.accept(new SplittableRandom(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("case with seed " + seed + " failed (replay: -Dipam.seed=" + seed + "): "
                        + e.getMessage(), e);
            }
        }));
    }

    /** Subnets of 2^minHostBits to 2^maxHostBits addresses, of either family, with or without range, gateway, aux. */
    private static IpamConfig config(SplittableRandom r, int minHostBits, int maxHostBits) {
        while (true) {
            List<Integer> aux = new ArrayList<>();
            for (int n = r.nextInt(3); n > 0; n--) {
                aux.add(r.nextInt(64));
            }
            IpamConfig config = configOrNull(r.nextBoolean() ? IpFamily.V4 : IpFamily.V6,
                    r.nextInt(minHostBits, maxHostBits + 1), r.nextInt(3), r.nextInt(4),
                    r.nextBoolean() ? Optional.of(r.nextInt(64)) : Optional.empty(), aux);
            if (config != null) {
                return config;
            }
        }
    }

    // null when the combination is no valid config (a gateway on the broadcast address...)
    private static IpamConfig configOrNull(IpFamily family, int hostBits, int rangeBits, int rangeIndex,
            Optional<Integer> gateway, List<Integer> aux) {
        IpPrefix subnet = family == IpFamily.V4
                ? IpPrefix.parse("10.20.30.64/" + (32 - hostBits))
                : IpPrefix.parse("fd00:1::ffff:ffff:ffff:ff40/" + (128 - hostBits));
        try {
            IpamConfig config = IpamConfig.of(subnet);
            int rangeLength = Math.min(subnet.length() + rangeBits, family.bits() - 1);
            if (rangeLength > subnet.length()) {
                long step = 1L << (family.bits() - rangeLength);
                long index = rangeIndex % (1L << (rangeLength - subnet.length()));
                config = config.withIpRange(new IpPrefix(subnet.network().plus(index * step), rangeLength));
            } else if (rangeBits == 0 && rangeIndex > 0) {
                config = config.withAddressRanges(addressRanges(subnet, rangeIndex));
            }
            long size = subnet.size().longValueExact();
            if (gateway.isPresent()) {
                config = config.withGateway(subnet.network().plus(gateway.get() % size));
            }
            for (int i = 0; i < aux.size(); i++) {
                config = config.withAuxiliaryAddress("aux" + i, subnet.network().plus(aux.get(i) % size));
            }
            return config;
        } catch (IpamException e) {
            return null;
        }
    }

    /**
     * CNI host-local's ranges: 1 to 3 runs of a few addresses each (start and end inside the
     * usable addresses), spread over the subnet with gaps between them.
     */
    private static List<AddressRange> addressRanges(IpPrefix subnet, int count) {
        long size = subnet.size().longValueExact();
        long usable = size - 2;
        List<AddressRange> ranges = new ArrayList<>();
        long slice = Math.max(1, usable / count);
        for (int i = 0; i < count && i * slice < usable; i++) {
            long first = 1 + i * slice;
            long last = Math.min(first + Math.max(0, slice / 2 - 1), usable);
            ranges.add(new AddressRange(subnet.network().plus(first), subnet.network().plus(last)));
        }
        return ranges;
    }

    /** Up to 80 steps: requests 6, preferred requests 2, releases 4, stranger releases 1 in 13. */
    private static List<Action> actions(SplittableRandom r) {
        List<Action> actions = new ArrayList<>();
        for (int n = r.nextInt(81); n > 0; n--) {
            int kind = r.nextInt(13);
            int owner = r.nextInt(6);
            int pick = r.nextInt(101);
            actions.add(kind < 6 ? new Request(owner)
                    : kind < 8 ? new Preferred(owner, r.nextInt(-2, 67)) // a little outside the largest subnet
                    : kind < 12 ? new Release(pick)
                    : new ReleaseByStranger(pick));
        }
        return actions;
    }

    private static final String[] ROUTE_BASES = {"172.16.0.0", "172.17.0.0", "172.20.0.0", "172.31.255.0",
            "192.168.0.0", "192.168.40.0", "10.0.0.0", "0.0.0.0"};

    private static List<IpPrefix> hostRoutes(SplittableRandom r) {
        List<IpPrefix> routes = new ArrayList<>();
        for (int n = r.nextInt(9); n > 0; n--) {
            routes.add(IpPrefix.containing(IpAddress.parse(ROUTE_BASES[r.nextInt(ROUTE_BASES.length)]), r.nextInt(29)));
        }
        return routes;
    }

    private static List<IpPrefix> userSubnets(SplittableRandom r) {
        List<IpPrefix> subnets = new ArrayList<>();
        for (int n = r.nextInt(5); n > 0; n--) {
            subnets.add(IpPrefix.containing(IpAddress.parse("172." + r.nextInt(16, 32) + "." + r.nextInt(256) + ".0"),
                    r.nextInt(16, 25)));
        }
        return subnets;
    }

    private static Map<IpAddress, String> holdersInStore(MemoryStore store, Pool pool) {
        return store.range(IpamKeys.addresses(pool.id())).stream().collect(Collectors.toMap(
                kv -> IpamKeys.addressOf(kv.key()), KeyValue::valueAsString, (a, b) -> a, TreeMap::new));
    }
}
