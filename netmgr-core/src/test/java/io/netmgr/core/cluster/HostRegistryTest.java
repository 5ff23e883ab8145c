package io.netmgr.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.store.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several hosts on one in-memory cluster store, whose leases expire by a ticker the test advances. */
@Timeout(60)
class HostRegistryTest {

    private static final Duration TTL = Duration.ofSeconds(2);
    private final AtomicLong now = new AtomicLong();
    private final MemoryStore cluster = new MemoryStore(now::get);
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        cluster.close();
    }

    private MemoryStore local() {
        MemoryStore local = new MemoryStore();
        opened.add(local);
        return local;
    }

    private HostRegistry join(MemoryStore local, String hostname, String address) {
        HostRegistry registry = HostRegistry.join(cluster, local, "id-of-" + hostname, hostname, address, "test", TTL);
        opened.add(0, registry);
        return registry;
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
        cluster.expireLeases();
    }

    @Test
    void eachHostListsAllAliveAndItselfAsSelf() {
        HostRegistry a = join(local(), "a", "10.0.0.1");
        HostRegistry b = join(local(), "b", "10.0.0.2");

        assertThat(a.hosts()).extracting(h -> h.info().hostname() + " " + h.info().advertiseAddress() + " " + h.alive() + " " + h.self())
                .containsExactly("a 10.0.0.1 true true", "b 10.0.0.2 true false");
        assertThat(b.hosts()).extracting(h -> h.info().hostname() + " " + h.self()).containsExactly("a false", "b true");
        assertThat(a.hostId()).isEqualTo("id-of-a");
    }

    @Test
    void hostsByIdGiveTheAdvertiseAddressAndLivenessOfTheHostAnIdNames() {
        HostRegistry a = join(local(), "a", "10.0.0.1");
        HostRegistry b = join(local(), "b", "10.0.0.2");
        b.close();
        cluster.stopKeepAlive(b.lease().id());
        advance(TTL);

        HostsById hosts = a.hostsById();
        assertThat(hosts.address("id-of-a")).isEqualTo("10.0.0.1");
        assertThat(hosts.alive("id-of-a")).isTrue();
        assertThat(hosts.address("id-of-b")).as("a host down keeps its address").isEqualTo("10.0.0.2");
        assertThat(hosts.alive("id-of-b")).isFalse();
        assertThat(hosts.address("id-of-forgotten")).as("an id no record names shows as itself").isEqualTo("id-of-forgotten");
        assertThat(hosts.alive("id-of-forgotten")).isFalse();
    }

    @Test
    void aHostWhoseLeaseExpiresIsGoneForTheOthersAndListedDown() {
        HostRegistry a = join(local(), "a", "10.0.0.1");
        HostRegistry b = join(local(), "b", "10.0.0.2");
        HostEvents seen = new HostEvents();
        b.addListener(seen);
        cluster.txn().put("/netmgr/peers/n1/ep-of-a", new byte[] {1}, a.lease()).commit();

        a.close(); // a's daemon was killed: nothing keeps its lease alive or registers it again
        cluster.stopKeepAlive(a.lease().id());
        advance(TTL.minusMillis(1));
        assertThat(b.hosts()).allMatch(ClusterHost::alive);
        advance(Duration.ofMillis(1));

        assertThat(seen.next()).as("a listener learns the hosts alive when it is added").isEqualTo("up a");
        assertThat(seen.next()).isEqualTo("gone a");
        assertThat(b.hosts()).extracting(h -> h.info().hostname() + " " + h.alive()).containsExactly("a false", "b true");
        assertThat(cluster.get("/netmgr/peers/n1/ep-of-a")).as("what a put under its lease").isEmpty();
    }

    @Test
    void aRestartWithinTheTtlResumesTheLeaseAndNobodySeesTheHostGo() {
        MemoryStore localOfA = local();
        HostRegistry a = join(localOfA, "a", "10.0.0.1");
        HostRegistry b = join(local(), "b", "10.0.0.2");
        HostEvents seen = new HostEvents();
        b.addListener(seen);
        long leaseOfA = a.lease().id();

        a.close();
        cluster.stopKeepAlive(leaseOfA);
        advance(TTL.minusMillis(100));
        HostRegistry again = join(localOfA, "a", "10.0.0.1");
        advance(Duration.ofMinutes(1));

        assertThat(again.hostId()).isEqualTo(a.hostId());
        assertThat(again.lease().id()).isEqualTo(leaseOfA);
        assertThat(b.hosts()).allMatch(ClusterHost::alive).hasSize(2);
        assertThat(seen.next()).isEqualTo("up a");
        seen.assertNone();
    }

    @Test
    void aHostCutOffLongerThanItsTtlRegistersAgainAndIsToldToResync() {
        HostRegistry a = join(local(), "a", "10.0.0.1");
        HostRegistry b = join(local(), "b", "10.0.0.2");
        HostEvents seenByA = new HostEvents();
        a.addListener(seenByA);
        HostEvents seenByB = new HostEvents();
        b.addListener(seenByB);
        long first = a.lease().id();

        cluster.stopKeepAlive(first); // a partition: a's keep-alives do not arrive
        advance(TTL);

        assertThat(seenByA.next()).isEqualTo("up b");
        assertThat(seenByA.next()).isEqualTo("resync");
        assertThat(a.lease().id()).isNotEqualTo(first);
        assertThat(a.lease().alive()).isTrue();
        assertThat(seenByB.next()).isEqualTo("up a");
        assertThat(seenByB.next()).isEqualTo("gone a");
        assertThat(seenByB.next()).isEqualTo("up a");
        assertThat(b.hosts()).allMatch(ClusterHost::alive);
    }

    @Test
    void nodeRmForgetsADownHostAndItsEndpointRecordsAndRefusesALiveOneNamingIt() {
        HostRegistry a = join(local(), "a", "10.0.0.1");
        HostRegistry b = join(local(), "b", "10.0.0.2");
        HostRegistry c = join(local(), "c", "10.0.0.3");
        String recordOfA = HostRegistry.recordsOf(a.hostId()) + "endpoints/e1";
        cluster.txn().put(recordOfA, new byte[] {1}).put(HostRegistry.recordsOf(b.hostId()) + "endpoints/e2", new byte[] {1}).commit();

        assertThatThrownBy(() -> c.remove("a")).isInstanceOf(NetmgrException.class)
                .hasMessage("host a (10.0.0.1, id id-of-a) is alive (its lease is held): node rm removes only a host that is down;"
                        + " stop its netmgrd first and wait for its lease to expire (netmgr node ls shows it down)");
        assertThatThrownBy(() -> c.remove("c")).hasMessageContaining("is the host answering this request");
        assertThatThrownBy(() -> c.remove("zz")).hasMessage("host zz not found in the cluster (netmgr node ls lists them)");
        assertThat(cluster.get(recordOfA)).as("a refusal changes nothing").isPresent();

        a.close(); // a's machine is gone for good
        cluster.stopKeepAlive(a.lease().id());
        advance(TTL);
        assertThat(c.hosts()).extracting(h -> h.info().hostname() + " " + h.alive()).containsExactly("a false", "b true", "c true");

        assertThatThrownBy(() -> c.remove("id-of-")).hasMessage("host id prefix id-of- matches 3 hosts; give more of the id");
        assertThat(c.remove("a").hostId()).isEqualTo("id-of-a");
        assertThat(cluster.get(recordOfA)).isEmpty();
        assertThat(cluster.get(HostRegistry.recordsOf(b.hostId()) + "endpoints/e2")).as("another host's records stay").isPresent();
        assertThat(c.hosts()).extracting(h -> h.info().hostname()).containsExactly("b", "c");
    }

    @Test
    void nodeRmTakesAnIdAPrefixOrAHostname() {
        HostRegistry a = join(local(), "a", "10.0.0.1");
        HostRegistry c = join(local(), "c", "10.0.0.3");
        String recordOfA = HostRegistry.recordsOf(a.hostId()) + "endpoints/e1";
        cluster.txn().put(recordOfA, new byte[] {1}).commit();
        a.close();
        cluster.stopKeepAlive(a.lease().id());
        advance(TTL);

        assertThat(c.remove("id-of-a").hostname()).isEqualTo("a");
        assertThat(c.hosts()).extracting(h -> h.info().hostname()).containsExactly("c");
        assertThat(cluster.get(recordOfA)).isEmpty();
        assertThat(cluster.get(HostRegistry.MEMBERS + "id-of-a")).isEmpty();
        assertThatThrownBy(() -> c.remove("a")).hasMessageContaining("not found");
    }
}
