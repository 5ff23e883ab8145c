package io.netmgr.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
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
        Lease hostA = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        IpAddress held = ipam.requestAddress(pool.id(), AddressRequest.any("ep-a").heldUnder(Optional.of(hostA))).address();
        assertThatThrownBy(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-b", held)))
                .isInstanceOf(IpamException.class).hasMessageContaining(held.toString());

        die(hostA);

        assertThat(ipam.endpointAddresses(pool.id())).as("nobody holds it").isEmpty();
        assertThat(ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-b", held)).address()).isEqualTo(held);
    }

    @Test
    void anAddressNotUnderALeaseStaysWhenSomeLeaseExpires() {
        Lease hostA = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        IpAddress local = ipam.requestAddress(pool.id(), AddressRequest.any("ep-local")).address();
        ipam.requestAddress(pool.id(), AddressRequest.any("ep-a").heldUnder(Optional.of(hostA)));

        die(hostA);

        assertThat(ipam.endpointAddresses(pool.id())).isEqualTo(Map.of(local, "ep-local"));
    }

    @Test
    void itsOwnerBackUnderANewLeaseClaimsItAgainAndItGoesWithTheNewLease() {
        Lease first = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        IpAddress held = ipam.requestAddress(pool.id(), AddressRequest.any("ep-a").heldUnder(Optional.of(first))).address();
        die(first);

        Lease second = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        assertThat(ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-a", held).heldUnder(Optional.of(second))).address())
                .isEqualTo(held);
        assertThat(ipam.endpointAddresses(pool.id())).isEqualTo(Map.of(held, "ep-a"));

        die(second);
        assertThat(ipam.endpointAddresses(pool.id())).as("held under the second lease, gone with it").isEmpty();
    }

    @Test
    void aClaimWithinTheLeaseMovesAnAddressStillHeldToTheNewLease() {
        Lease first = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        Lease second = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        IpAddress held = ipam.requestAddress(pool.id(), AddressRequest.any("ep-a").heldUnder(Optional.of(first))).address();

        ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-a", held).heldUnder(Optional.of(second)));
        die(first);

        assertThat(ipam.endpointAddresses(pool.id())).as("now under the second lease").isEqualTo(Map.of(held, "ep-a"));
    }

    @Test
    void itsOwnerBackAfterAnotherTookItIsRefusedNamingTheHolder() {
        Lease hostA = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        IpAddress held = ipam.requestAddress(pool.id(), AddressRequest.any("ep-a").heldUnder(Optional.of(hostA))).address();
        die(hostA);
        Lease hostB = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-b", held).heldUnder(Optional.of(hostB)));

        Lease back = cluster.grantLease(Duration.ofSeconds(2), () -> { });
        assertThatThrownBy(() -> ipam.requestAddress(pool.id(), AddressRequest.preferred("ep-a", held).heldUnder(Optional.of(back))))
                .isInstanceOf(IpamException.class).hasMessageContaining("ep-b");
        assertThat(ipam.endpointAddresses(pool.id())).as("one holder, the one that took it").isEqualTo(Map.of(held, "ep-b"));
    }

    /** The lease's holder dies: nobody keeps it alive, and a TTL later by the store's clock it has expired. */
    private void die(Lease lease) {
        cluster.stopKeepAlive(lease.id());
        nanos.addAndGet(lease.ttl().toNanos() + 1);
        cluster.expireLeases();
    }
}
