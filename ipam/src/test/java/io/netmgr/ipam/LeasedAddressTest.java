package io.netmgr.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Addresses held under a host's lease (endpoints on global networks): free again once the lease
 * expires, claimed again by their owner under a new lease, refused to it once another took them.
 * The store's lease clock is a counter the test moves, so an expiry is one step.
 */
class LeasedAddressTest {
    private final AtomicLong nanos = new AtomicLong();
    private final MemoryStore cluster = new MemoryStore(nanos::get);
    private final DefaultIpam ipam = new DefaultIpam(cluster, List::of, DefaultPools.cluster(IpPrefix.parse("fd77::/48")));
    private final Pool pool = ipam.requestPool(PoolRequest.of("ov", IpamConfig.of(IpPrefix.parse("10.9.0.0/29"))));

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void anAddressUnderALeaseIsFreeAgainWhenTheLeaseExpires() {
        Lease hostA = lease();
        IpAddress held = anyUnder("ep-a", hostA);
        assertThatThrownBy(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-b", held)))
                .isInstanceOf(IpamException.class).hasMessageContaining(held.toString());

        die(hostA);

        assertThat(ipam.endpointAddresses(pool.id())).as("nobody holds it").isEmpty();
        assertThat(ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-b", held)).address()).isEqualTo(held);
    }

    @Test
    void anAddressNotUnderALeaseStaysWhenSomeLeaseExpires() {
        Lease hostA = lease();
        IpAddress local = ipam.requestAddress(pool.id(), AddressRequest.any("ep-local")).address();
        anyUnder("ep-a", hostA);

        die(hostA);

        assertThat(ipam.endpointAddresses(pool.id())).isEqualTo(Map.of(local, "ep-local"));
    }

    @Test
    void itsOwnerBackUnderANewLeaseClaimsItAgainAndItGoesWithTheNewLease() {
        IpAddress held = heldByAHostThatDied("ep-a");

        Lease second = lease();
        assertThat(claimUnder("ep-a", held, second))
                .isEqualTo(held);
        assertThat(ipam.endpointAddresses(pool.id())).isEqualTo(Map.of(held, "ep-a"));

        die(second);
        assertThat(ipam.endpointAddresses(pool.id())).as("held under the second lease, gone with it").isEmpty();
    }

    @Test
    void aClaimWithinTheLeaseMovesAnAddressStillHeldToTheNewLease() {
        Lease first = lease();
        Lease second = lease();
        IpAddress held = anyUnder("ep-a", first);

        claimUnder("ep-a", held, second);
        die(first);

        assertThat(ipam.endpointAddresses(pool.id())).as("now under the second lease").isEqualTo(Map.of(held, "ep-a"));
    }

    @Test
    void itsOwnerBackAfterAnotherTookItIsRefusedNamingTheHolder() {
        IpAddress held = heldByAHostThatDied("ep-a");
        Lease hostB = lease();
        claimUnder("ep-b", held, hostB);

        Lease back = lease();
        assertThatThrownBy(() -> claimUnder("ep-a", held, back))
                .isInstanceOf(IpamException.class).hasMessageContaining("ep-b");
        assertThat(ipam.endpointAddresses(pool.id())).as("one holder, the one that took it").isEqualTo(Map.of(held, "ep-b"));
    }

    @Test
    void theAddressesUnderAHostsLeaseAreThatHostsOnly() {
        Lease hostA = lease();
        Lease hostB = lease();
        IpAddress a1 = anyUnder("ep-a1", hostA);
        IpAddress b1 = anyUnder("ep-b1", hostB);
        ipam.requestAddress(pool.id(), AddressRequest.any("ep-local"));

        assertThat(ipam.endpointAddressesUnder(hostA)).isEqualTo(Map.of(pool.id(), Map.of(a1, "ep-a1")));
        assertThat(ipam.endpointAddressesUnder(hostB)).isEqualTo(Map.of(pool.id(), Map.of(b1, "ep-b1")));
    }

    @Test
    void theAddressesUnderALeaseInEveryPoolCostOneListingOfItsKeys() {
        CountingStore counted = new CountingStore(cluster);
        DefaultIpam ipam = new DefaultIpam(counted, List::of, DefaultPools.cluster(IpPrefix.parse("fd77::/48")));
        Pool second = ipam.requestPool(PoolRequest.of("ov2", IpamConfig.of(IpPrefix.parse("10.9.1.0/29"))));
        Pool unused = ipam.requestPool(PoolRequest.of("ov3", IpamConfig.of(IpPrefix.parse("10.9.2.0/29"))));
        ipam.requestAddress(unused.id(), AddressRequest.any("ep-local"));
        Lease hostA = lease();
        IpAddress a1 = ipam.requestAddress(pool.id(), AddressRequest.any("ep-a1").heldUnder(Optional.of(hostA))).address();
        IpAddress a2 = ipam.requestAddress(second.id(), AddressRequest.any("ep-a2").heldUnder(Optional.of(hostA))).address();
        counted.reset();

        assertThat(ipam.endpointAddressesUnder(hostA)).isEqualTo(Map.of(pool.id(), Map.of(a1, "ep-a1"), second.id(), Map.of(a2, "ep-a2")));
        assertThat(counted.counts().leaseListings()).as("the lease's keys listed once, not once per pool").isEqualTo(1);
        assertThat(counted.counts().ranges()).as("the holders of the two pools it holds addresses in, not of the third").isEqualTo(2);
    }

    private Lease lease() {
        return cluster.grantLease(Duration.ofSeconds(2), () -> { });
    }

    /** Any free address, for {@code owner}, held under {@code lease}. */
    private IpAddress anyUnder(String owner, Lease lease) {
        return ipam.requestAddress(pool.id(), AddressRequest.any(owner).heldUnder(Optional.of(lease))).address();
    }

    /** An address {@code owner} held under its host's lease, which has expired since. */
    private IpAddress heldByAHostThatDied(String owner) {
        Lease lease = lease();
        IpAddress held = anyUnder(owner, lease);
        die(lease);
        return held;
    }

    /** {@code address} for {@code owner}, held under {@code lease}. */
    private IpAddress claimUnder(String owner, IpAddress address, Lease lease) {
        return ipam.requestAddress(pool.id(), AddressRequest.preferred(owner, address).heldUnder(Optional.of(lease))).address();
    }

    /** The lease's holder dies: nobody keeps it alive, and a TTL later by the store's clock it has expired. */
    private void die(Lease lease) {
        cluster.stopKeepAlive(lease.id());
        nanos.addAndGet(lease.ttl().toNanos() + 1);
        cluster.expireLeases();
    }
}
