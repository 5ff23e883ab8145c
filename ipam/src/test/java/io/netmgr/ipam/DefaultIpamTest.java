package io.netmgr.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.AssignedAddress;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DefaultIpamTest {

    static final IpPrefix ULA = IpPrefix.parse("fd12:3456:789a::/48");

    private final MemoryStore store = new MemoryStore();
    private final List<IpPrefix> routes = new ArrayList<>();
    private final DefaultIpam ipam = new DefaultIpam(store, () -> List.copyOf(routes), DefaultPools.docker(ULA));

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Nested
    class Pools {

        @Test
        void grantsTheSubnetWithTheFirstAddressAsGateway() {
            Pool pool = ipam.requestPool(PoolRequest.of("web", IpamConfig.of(subnet("10.1.0.0/24"))));
            assertThat(pool.id()).isEqualTo("10.1.0.0-24");
            assertThat(pool.owner()).isEqualTo("web");
            assertThat(pool.gateway()).isEqualTo(ip("10.1.0.1"));
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.gateway("web")).toString()).isEqualTo("10.1.0.1/24");
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("ep1")).toString()).isEqualTo("10.1.0.2/24");
        }

        @Test
        void storesOneRecordPerPoolAndOneKeyPerAddress() {
            Pool pool = ipam.requestPool(PoolRequest.of("web", IpamConfig.of(subnet("10.1.0.0/24"))
                    .withIpRange(subnet("10.1.0.128/25")).withGateway(ip("10.1.0.254"))
                    .withAuxiliaryAddress("router", ip("10.1.0.129"))));
            ipam.requestAddress(pool.id(), AddressRequest.any("ep1"));
            ipam.requestAddress(pool.id(), AddressRequest.preferred("ep2", ip("10.1.0.7")));

            Map<String, String> keys = store.range("/netmgr/ipam/").stream()
                    .collect(Collectors.toMap(KeyValue::key, KeyValue::valueAsString));
            assertThat(keys).containsOnly(
                    Map.entry("/netmgr/ipam/pools/10.1.0.0-24", "{\"owner\":\"web\",\"subnet\":\"10.1.0.0/24\","
                            + "\"ipRange\":\"10.1.0.128/25\",\"gateway\":\"10.1.0.254\",\"auxiliaryAddresses\":{\"router\":\"10.1.0.129\"}}"),
                    Map.entry("/netmgr/ipam/pool-set", "10.1.0.0-24"),
                    Map.entry("/netmgr/ipam/addr/10.1.0.0-24/010.001.000.254", "gateway"),
                    Map.entry("/netmgr/ipam/addr/10.1.0.0-24/010.001.000.129", "aux:router"),
                    Map.entry("/netmgr/ipam/addr/10.1.0.0-24/010.001.000.128", "endpoint:ep1"),
                    Map.entry("/netmgr/ipam/addr/10.1.0.0-24/010.001.000.007", "endpoint:ep2"),
                    Map.entry("/netmgr/ipam/last/10.1.0.0-24", "10.1.0.128"));
        }

        @Test
        void ipv6KeysHaveEveryDigit() {
            Pool pool = ipam.requestPool(PoolRequest.of("web", IpamConfig.of(subnet("fd00:1::/64"))));
            ipam.requestAddress(pool.id(), AddressRequest.preferred("ep1", ip("fd00:1::abcd:12")));
            assertThat(store.get("/netmgr/ipam/addr/fd00:1::-64/fd00:0001:0000:0000:0000:0000:abcd:0012"))
                    .map(KeyValue::valueAsString).contains("endpoint:ep1");
        }

        @Test
        void overlapWithAnotherNetworksPool() {
            ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24"))));
            refused(() -> ipam.requestPool(PoolRequest.of("Y", IpamConfig.of(subnet("10.1.0.0/16")))), Reason.POOL_OVERLAP,
                    "pool 10.1.0.0/16 overlaps with network X's pool 10.1.0.0/24; choose another --subnet");
            refused(() -> ipam.requestPool(PoolRequest.of("Y", IpamConfig.of(subnet("10.1.0.64/26")))), Reason.POOL_OVERLAP,
                    "pool 10.1.0.64/26 overlaps with network X's pool 10.1.0.0/24; choose another --subnet");
            refused(() -> ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24")))), Reason.POOL_OVERLAP,
                    "pool 10.1.0.0/24 overlaps with network X's pool 10.1.0.0/24; choose another --subnet");
            assertThat(ipam.requestPool(PoolRequest.of("Y", IpamConfig.of(subnet("10.1.1.0/24")))).id()).isEqualTo("10.1.1.0-24");
        }

        @Test
        void userSubnetsMayOverlapHostRoutes() {
            // as in Docker: the user knows their network; only default pools avoid routes
            routes.add(subnet("10.1.0.0/16"));
            assertThat(ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24")))).id()).isEqualTo("10.1.0.0-24");
        }

        @Test
        void releasedPoolCanBeGrantedAgainWithNothingLeftOver() {
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24"))
                    .withAuxiliaryAddress("db", ip("10.1.0.9"))));
            AssignedAddress a = ipam.requestAddress(pool.id(), AddressRequest.any("ep1"));
            ipam.releaseAddress(pool.id(), a.address(), "ep1");
            ipam.releasePool(pool.id());
            assertThat(store.range("/netmgr/ipam/").stream().map(KeyValue::key)).containsExactly("/netmgr/ipam/pool-set");

            Pool again = ipam.requestPool(PoolRequest.of("Y", IpamConfig.of(subnet("10.1.0.0/24"))));
            assertThat(again.owner()).isEqualTo("Y");
            assertThat(ipam.requestAddress(again.id(), AddressRequest.preferred("ep", ip("10.1.0.9"))).address()).isEqualTo(ip("10.1.0.9"));
            assertThat(ipam.requestAddress(again.id(), AddressRequest.any("ep2")).address()).as("pointer reset").isEqualTo(ip("10.1.0.2"));
        }

        @Test
        void aPoolGrantedAgainByAnotherProcessIsReadAfresh() {
            // this instance keeps the pool's record it read; another process (another instance on the
            // store) releases the pool and is granted it again with a narrower IP range: the next
            // address must follow the new record, not the kept one
            DefaultIpam other = new DefaultIpam(store, List::of, DefaultPools.docker(ULA));
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24"))));
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("ep1")).address()).isEqualTo(ip("10.1.0.2"));
            other.releaseAddress(pool.id(), ip("10.1.0.2"), "ep1");
            other.releasePool(pool.id());
            other.requestPool(PoolRequest.of("Y", IpamConfig.of(subnet("10.1.0.0/24")).withIpRange(subnet("10.1.0.128/25"))));

            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("ep2")).address()).isEqualTo(ip("10.1.0.128"));
        }

        @Test
        void aPoolGrantedAgainHereAfterAReleaseElsewhereHasItsNewGateway() {
            DefaultIpam other = new DefaultIpam(store, List::of, DefaultPools.docker(ULA));
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24"))));
            ipam.requestAddress(pool.id(), AddressRequest.any("ep1")); // this instance now keeps the record
            other.releaseAddress(pool.id(), ip("10.1.0.2"), "ep1");
            other.releasePool(pool.id());
            Pool again = ipam.requestPool(PoolRequest.of("Y", IpamConfig.of(subnet("10.1.0.0/24")).withGateway(ip("10.1.0.254"))));

            assertThat(ipam.requestAddress(again.id(), AddressRequest.gateway("Y")).address()).isEqualTo(ip("10.1.0.254"));
        }

        @Test
        void releasePoolIsRefusedWhileEndpointsHoldAddresses() {
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24"))));
            ipam.requestAddress(pool.id(), AddressRequest.any("a"));
            refused(() -> ipam.releasePool(pool.id()), Reason.POOL_IN_USE,
                    "pool 10.1.0.0/24 of network X still has 1 address in use: 10.1.0.2 (endpoint a); remove those endpoints first");
            for (String owner : List.of("b", "c", "d")) {
                ipam.requestAddress(pool.id(), AddressRequest.any(owner));
            }
            refused(() -> ipam.releasePool(pool.id()), Reason.POOL_IN_USE,
                    "pool 10.1.0.0/24 of network X still has 4 addresses in use: 10.1.0.2 (endpoint a), 10.1.0.3 (endpoint b),"
                            + " 10.1.0.4 (endpoint c) and 1 more; remove those endpoints first");
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("e")).address()).as("pool untouched").isEqualTo(ip("10.1.0.6"));
        }

        @Test
        void releasingAnUnknownPoolDoesNothing() {
            ipam.releasePool("10.9.0.0-24");
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24"))));
            ipam.releasePool(pool.id());
            ipam.releasePool(pool.id());
            assertThat(store.get("/netmgr/ipam/pools/10.1.0.0-24")).isEmpty();
        }

        @Test
        void dualStackNetworkHasOnePoolOfEachFamily() {
            Pool v4 = ipam.requestPool(PoolRequest.defaultPool("web", IpFamily.V4));
            Pool v6 = ipam.requestPool(PoolRequest.defaultPool("web", IpFamily.V6));
            assertThat(v4.subnet()).isEqualTo(subnet("172.17.0.0/16"));
            assertThat(v6.subnet()).isEqualTo(subnet("fd12:3456:789a::/64"));
            assertThat(ipam.requestAddress(v4.id(), AddressRequest.any("ep")).toString()).isEqualTo("172.17.0.2/16");
            assertThat(ipam.requestAddress(v6.id(), AddressRequest.any("ep")).toString()).isEqualTo("fd12:3456:789a::2/64");
            assertThat(ipam.requestAddress(v6.id(), AddressRequest.gateway("web")).toString()).isEqualTo("fd12:3456:789a::1/64");
        }
    }

    @Nested
    class DefaultPoolChoice {

        @Test
        void takesDockersPoolsInOrder() {
            List<String> subnets = new ArrayList<>();
            for (int i = 0; i < 17; i++) {
                subnets.add(ipam.requestPool(PoolRequest.defaultPool("n" + i, IpFamily.V4)).subnet().toString());
            }
            assertThat(subnets).containsExactly("172.17.0.0/16", "172.18.0.0/16", "172.19.0.0/16", "172.20.0.0/16",
                    "172.21.0.0/16", "172.22.0.0/16", "172.23.0.0/16", "172.24.0.0/16", "172.25.0.0/16", "172.26.0.0/16",
                    "172.27.0.0/16", "172.28.0.0/16", "172.29.0.0/16", "172.30.0.0/16", "172.31.0.0/16",
                    "192.168.0.0/20", "192.168.16.0/20");
        }

        @Test
        void skipsSubnetsTheHostRoutesButNotTheDefaultRoute() {
            routes.addAll(List.of(subnet("0.0.0.0/0"), subnet("172.17.0.0/16"), subnet("172.18.3.0/24"), subnet("172.19.0.0/17")));
            assertThat(ipam.requestPool(PoolRequest.defaultPool("n", IpFamily.V4)).subnet()).isEqualTo(subnet("172.20.0.0/16"));
        }

        @Test
        void skipsAHostRouteThatCoversSeveralCandidates() {
            routes.add(subnet("172.16.0.0/12"));
            assertThat(ipam.requestPool(PoolRequest.defaultPool("n", IpFamily.V4)).subnet()).isEqualTo(subnet("192.168.0.0/20"));
        }

        @Test
        void skipsSubnetsOtherPoolsUse() {
            ipam.requestPool(PoolRequest.of("mine", IpamConfig.of(subnet("172.17.5.0/24"))));
            ipam.requestPool(PoolRequest.defaultPool("a", IpFamily.V4));
            Pool b = ipam.requestPool(PoolRequest.defaultPool("b", IpFamily.V4));
            assertThat(b.subnet()).isEqualTo(subnet("172.19.0.0/16"));
            ipam.releasePool("172.18.0.0-16");
            assertThat(ipam.requestPool(PoolRequest.defaultPool("c", IpFamily.V4)).subnet()).as("freed again")
                    .isEqualTo(subnet("172.18.0.0/16"));
        }

        @Test
        void ipv6DefaultsAreTheSlash64sOfTheUniqueLocalPrefix() {
            routes.add(subnet("fd12:3456:789a:1::/64"));
            assertThat(ipam.requestPool(PoolRequest.defaultPool("a", IpFamily.V6)).subnet()).isEqualTo(subnet("fd12:3456:789a::/64"));
            assertThat(ipam.requestPool(PoolRequest.defaultPool("b", IpFamily.V6)).subnet()).isEqualTo(subnet("fd12:3456:789a:2::/64"));
        }

        @Test
        void noDefaultPoolLeft() {
            DefaultIpam small = new DefaultIpam(store, () -> List.of(subnet("10.0.1.0/24")),
                    new DefaultPools(List.of(new DefaultPools.Base(subnet("10.0.0.0/22"), 24))));
            assertThat(small.requestPool(PoolRequest.defaultPool("a", IpFamily.V4)).subnet()).isEqualTo(subnet("10.0.0.0/24"));
            assertThat(small.requestPool(PoolRequest.defaultPool("b", IpFamily.V4)).subnet()).isEqualTo(subnet("10.0.2.0/24"));
            assertThat(small.requestPool(PoolRequest.defaultPool("c", IpFamily.V4)).subnet()).isEqualTo(subnet("10.0.3.0/24"));
            refused(() -> small.requestPool(PoolRequest.defaultPool("d", IpFamily.V4)), Reason.NO_DEFAULT_POOL_LEFT,
                    "no default IPv4 pool left: each one is used by a network or overlaps a route of this host;"
                            + " remove unused networks, or give a --subnet");
            refused(() -> small.requestPool(PoolRequest.defaultPool("d", IpFamily.V6)), Reason.NO_DEFAULT_POOL_LEFT,
                    "no default IPv6 pool left: each one is used by a network or overlaps a route of this host;"
                            + " remove unused networks, or give a --subnet");
        }

        @Test
        void uniqueLocalPrefixIsStablePerHost() {
            IpPrefix a = DefaultPools.uniqueLocalPrefix("0123456789abcdef0123456789abcdef");
            assertThat(a).isEqualTo(DefaultPools.uniqueLocalPrefix("0123456789abcdef0123456789abcdef"));
            assertThat(a).isNotEqualTo(DefaultPools.uniqueLocalPrefix("fedcba9876543210fedcba9876543210"));
            assertThat(a.length()).isEqualTo(48);
            assertThat(subnet("fd00::/8").contains(a)).isTrue();
        }
    }

    @Nested
    class Addresses {

        @Test
        void preferredAddressIsHonoured() {
            Pool pool = pool("10.1.0.0/24");
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.preferred("ep1", ip("10.1.0.77"))).toString())
                    .isEqualTo("10.1.0.77/24");
        }

        @Test
        void preferredAddressHeldByAnotherEndpoint() {
            Pool pool = pool("10.1.0.0/24");
            ipam.requestAddress(pool.id(), AddressRequest.preferred("Y", ip("10.1.0.5")));
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("10.1.0.5"))), Reason.ADDRESS_IN_USE,
                    "address 10.1.0.5 already in use by endpoint Y; choose another address");
        }

        @Test
        void preferredAddressAskedAgainByItsHolderIsGivenAgain() {
            Pool pool = pool("10.1.0.0/24");
            ipam.requestAddress(pool.id(), AddressRequest.preferred("Y", ip("10.1.0.5")));
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.preferred("Y", ip("10.1.0.5"))).address()).isEqualTo(ip("10.1.0.5"));
        }

        @Test
        void gatewayAndAuxiliaryAddressesAreNeverHandedOut() {
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/29"))
                    .withGateway(ip("10.1.0.3")).withAuxiliaryAddress("db", ip("10.1.0.1"))));
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("10.1.0.3"))), Reason.ADDRESS_IN_USE,
                    "address 10.1.0.3 already in use by the gateway; choose another address");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("10.1.0.1"))), Reason.ADDRESS_IN_USE,
                    "address 10.1.0.1 already in use by auxiliary address db; choose another address");
            List<IpAddress> handedOut = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handedOut.add(ipam.requestAddress(pool.id(), AddressRequest.any("ep" + i)).address());
            }
            assertThat(handedOut).containsExactly(ip("10.1.0.2"), ip("10.1.0.4"), ip("10.1.0.5"), ip("10.1.0.6"));
        }

        @Test
        void networkAndBroadcastAddressesAreNeverHandedOut() {
            Pool pool = pool("10.1.0.0/24");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("10.1.0.0"))), Reason.RESERVED_ADDRESS,
                    "address 10.1.0.0 is the network address of 10.1.0.0/24; choose an address from 10.1.0.1 to 10.1.0.254");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("10.1.0.255"))), Reason.RESERVED_ADDRESS,
                    "address 10.1.0.255 is the broadcast address of 10.1.0.0/24; choose an address from 10.1.0.1 to 10.1.0.254");
        }

        @Test
        void addressOutsideThePool() {
            Pool pool = pool("10.1.0.0/24");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("10.2.0.5"))), Reason.ADDRESS_OUTSIDE_POOL,
                    "address 10.2.0.5 is outside pool 10.1.0.0/24 of network X; choose an address inside 10.1.0.0/24");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("Z", ip("fd00::5"))), Reason.ADDRESS_OUTSIDE_POOL,
                    "address fd00::5 is outside pool 10.1.0.0/24 of network X; choose an address inside 10.1.0.0/24");
            refused(() -> ipam.releaseAddress(pool.id(), ip("10.2.0.5"), "Z"), Reason.ADDRESS_OUTSIDE_POOL,
                    "address 10.2.0.5 is outside pool 10.1.0.0/24 of network X; choose an address inside 10.1.0.0/24");
        }

        @Test
        void ipRangeBoundsWhatIsHandedOutButNotWhatIsPreferred() {
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/24")).withIpRange(subnet("10.1.0.8/30"))));
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.preferred("fixed", ip("10.1.0.200"))).address()).isEqualTo(ip("10.1.0.200"));
            List<IpAddress> handedOut = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handedOut.add(ipam.requestAddress(pool.id(), AddressRequest.any("ep" + i)).address());
            }
            assertThat(handedOut).containsExactly(ip("10.1.0.8"), ip("10.1.0.9"), ip("10.1.0.10"), ip("10.1.0.11"));
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.any("more")), Reason.POOL_EXHAUSTED,
                    "no available addresses in 10.1.0.8/30 of network X; remove unused endpoints, or use a larger --subnet or --ip-range");
        }

        @Test
        void addressRangesBoundWhatIsHandedOutAndWhatIsPreferred() {
            IpamConfig config = IpamConfig.of(subnet("10.1.0.0/24")).withAddressRanges(List.of(
                    AddressRange.parse("10.1.0.10-10.1.0.12"), AddressRange.parse("10.1.0.200-10.1.0.202")));
            Pool pool = ipam.requestPool(PoolRequest.of("X", config));
            assertThat(PoolCodec.decode(pool.id(), PoolCodec.encode(pool)).config()).as("stored and read back").isEqualTo(config
                    .withGateway(ip("10.1.0.1")));
            List<IpAddress> handedOut = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                handedOut.add(ipam.requestAddress(pool.id(), AddressRequest.any("ep" + i)).address());
            }
            assertThat(handedOut).containsExactly(ip("10.1.0.10"), ip("10.1.0.11"), ip("10.1.0.12"), ip("10.1.0.200"),
                    ip("10.1.0.201"), ip("10.1.0.202"));
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.any("more")), Reason.POOL_EXHAUSTED,
                    "no available addresses in 10.1.0.10-10.1.0.12,10.1.0.200-10.1.0.202 of network X; remove unused endpoints,"
                            + " or use a larger --subnet or --ip-range");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("fixed", ip("10.1.0.50"))),
                    Reason.ADDRESS_OUTSIDE_POOL, "address 10.1.0.50 is outside the address ranges 10.1.0.10-10.1.0.12,"
                            + "10.1.0.200-10.1.0.202 of network X; choose an address inside them");
            // after the last range the search wraps to the first
            ipam.releaseAddress(pool.id(), ip("10.1.0.11"), "ep1");
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("again")).address()).isEqualTo(ip("10.1.0.11"));
        }

        @Test
        void exhaustion() {
            Pool pool = pool("10.1.0.0/29");
            for (int i = 2; i <= 6; i++) {
                assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("ep" + i)).address()).isEqualTo(ip("10.1.0." + i));
            }
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.any("ep7")), Reason.POOL_EXHAUSTED,
                    "no available addresses in 10.1.0.0/29 of network X; remove unused endpoints, or use a larger --subnet or --ip-range");
            ipam.releaseAddress(pool.id(), ip("10.1.0.4"), "ep4");
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("ep7")).address()).isEqualTo(ip("10.1.0.4"));
        }

        @Test
        void nextAddressFollowsTheLastOneAndWrapsAround() {
            Pool pool = pool("10.1.0.0/29");
            IpAddress a = ipam.requestAddress(pool.id(), AddressRequest.any("a")).address();
            ipam.requestAddress(pool.id(), AddressRequest.any("b"));
            ipam.releaseAddress(pool.id(), a, "a");
            // .2 was just released: the pointer goes on to .4 rather than handing it out again
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("c")).address()).isEqualTo(ip("10.1.0.4"));
            // a preferred address does not move the pointer
            ipam.requestAddress(pool.id(), AddressRequest.preferred("d", ip("10.1.0.5")));
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("e")).address()).isEqualTo(ip("10.1.0.6"));
            // at the end of the range: around to the start, where .2 is free again
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("f")).address()).isEqualTo(ip("10.1.0.2"));
        }

        @Test
        void searchCrossesBlocksOf256() {
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("10.1.0.0/22")).withIpRange(subnet("10.1.0.0/23"))));
            for (int i = 2; i <= 254; i++) {
                ipam.requestAddress(pool.id(), AddressRequest.preferred("p" + i, ip("10.1.0." + i)));
            }
            ipam.requestAddress(pool.id(), AddressRequest.preferred("p255", ip("10.1.0.255")));
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("n")).address()).isEqualTo(ip("10.1.1.0"));
            for (int i = 1; i <= 255; i++) {
                ipam.requestAddress(pool.id(), AddressRequest.any("m" + i));
            }
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.any("last")), Reason.POOL_EXHAUSTED,
                    "no available addresses in 10.1.0.0/23 of network X; remove unused endpoints, or use a larger --subnet or --ip-range");
            ipam.releaseAddress(pool.id(), ip("10.1.0.100"), "p100");
            assertThat(ipam.requestAddress(pool.id(), AddressRequest.any("last")).address()).isEqualTo(ip("10.1.0.100"));
        }

        @Test
        void ipv6RangeAcrossTheLowWord() {
            Pool pool = ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet("fd00:0:0:1::/64"))
                    .withIpRange(subnet("fd00:0:0:1:ffff:ffff:ffff:fffc/126"))));
            List<String> handedOut = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handedOut.add(ipam.requestAddress(pool.id(), AddressRequest.any("ep" + i)).toString());
            }
            assertThat(handedOut).containsExactly("fd00::1:ffff:ffff:ffff:fffc/64", "fd00::1:ffff:ffff:ffff:fffd/64",
                    "fd00::1:ffff:ffff:ffff:fffe/64", "fd00::1:ffff:ffff:ffff:ffff/64");
            refused(() -> ipam.requestAddress(pool.id(), AddressRequest.any("more")), Reason.POOL_EXHAUSTED,
                    "no available addresses in fd00::1:ffff:ffff:ffff:fffc/126 of network X; remove unused endpoints,"
                            + " or use a larger --subnet or --ip-range");
        }

        @Test
        void unknownPool() {
            refused(() -> ipam.requestAddress("10.9.0.0-24", AddressRequest.any("ep")), Reason.UNKNOWN_POOL,
                    "no address pool 10.9.0.0-24; it was released or never requested: request the network's pool again");
        }

        @Test
        void releaseByAnotherThanTheHolder() {
            Pool pool = pool("10.1.0.0/24");
            IpAddress a = ipam.requestAddress(pool.id(), AddressRequest.any("Y")).address();
            refused(() -> ipam.releaseAddress(pool.id(), a, "Z"), Reason.NOT_OWNER,
                    "address 10.1.0.2 is held by endpoint Y, not by endpoint Z; only its holder releases it"
                            + " (gateway and auxiliary addresses go with the pool)");
            refused(() -> ipam.releaseAddress(pool.id(), ip("10.1.0.1"), "Z"), Reason.NOT_OWNER,
                    "address 10.1.0.1 is held by the gateway, not by endpoint Z; only its holder releases it"
                            + " (gateway and auxiliary addresses go with the pool)");
            assertThat(store.get("/netmgr/ipam/addr/10.1.0.0-24/010.001.000.002")).isPresent();
        }

        @Test
        void releaseIsIdempotent() {
            Pool pool = pool("10.1.0.0/24");
            IpAddress a = ipam.requestAddress(pool.id(), AddressRequest.any("Y")).address();
            ipam.releaseAddress(pool.id(), a, "Y");
            ipam.releaseAddress(pool.id(), a, "Y");
            ipam.releaseAddress(pool.id(), ip("10.1.0.99"), "never-held");
            ipam.releasePool(pool.id());
            ipam.releaseAddress(pool.id(), a, "Y");
            assertThat(store.range("/netmgr/ipam/addr/")).isEmpty();
        }
    }

    private Pool pool(String subnet) {
        return ipam.requestPool(PoolRequest.of("X", IpamConfig.of(subnet(subnet))));
    }

    static void refused(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage(message);
    }

    static IpPrefix subnet(String text) {
        return IpPrefix.parse(text);
    }

    static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }
}
