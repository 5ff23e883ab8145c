package io.netmgr.core.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.driver.Capability;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.PassiveDriver;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.driver.PeerListener;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.network.Network;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.netlink.addr.IpNet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The peer hook: two hosts share a store; a global-scope driver on one learns of the endpoints
 * the other publishes, not of its own, and nothing of local-scope networks; a deletion the store
 * reports without its value (a lease's expiry) still reaches it.
 */
class PeerTableTest {
    private final MemoryStore shared = new MemoryStore();
    private final Network overlay = network("o", "fake-overlay");
    private final Network local = network("l", "fake-local");

    /** A global-scope driver that records what it learns. */
    static class RecordingOverlay extends PassiveDriver implements PeerListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public String name() {
            return "fake-overlay";
        }

        @Override
        public Capability capability() {
            return new Capability(Scope.GLOBAL, false, false, List.of());
        }

        @Override
        public void peerJoined(HostContext host, Peer peer) {
            events.add("joined " + peer.endpointId() + " on " + peer.host() + " " + peer.addresses());
        }

        @Override
        public void peerLeft(HostContext host, Peer peer) {
            events.add("left " + peer.endpointId() + " on " + peer.host());
        }

        String next() throws InterruptedException {
            return events.poll(5, TimeUnit.SECONDS);
        }
    }

    /** A local-scope driver that would record peers too, if it were (wrongly) told of any. */
    static final class LocalDriver extends RecordingOverlay {
        @Override
        public String name() {
            return "fake-local";
        }

        @Override
        public Capability capability() {
            return Capability.LOCAL;
        }
    }

    @Test
    void aGlobalDriverLearnsOfTheOtherHostsEndpointsOnly() throws InterruptedException {
        RecordingOverlay driverA = new RecordingOverlay();
        LocalDriver localA = new LocalDriver();
        try (PeerTable a = table("192.0.2.1", driverA, localA); PeerTable b = table("192.0.2.2", new RecordingOverlay(), new LocalDriver())) {
            Peer before = new Peer(overlay.id(), "e0", "192.0.2.2", List.of(IpNet.parse("10.8.0.2/24")), "02:42:0a:08:00:02");
            publish(before); // published before host A starts: delivered when it does
            a.start();
            assertThat(driverA.next()).isEqualTo("joined e0 on 192.0.2.2 [10.8.0.2/24]");

            publish(new Peer(overlay.id(), "own", "192.0.2.1", List.of(IpNet.parse("10.8.0.3/24")), "02:42:0a:08:00:03"));
            publish(new Peer(local.id(), "loc", "192.0.2.2", List.of(IpNet.parse("10.9.0.2/24")), "02:42:0a:09:00:02"));
            publish(new Peer(overlay.id(), "e1", "192.0.2.2", List.of(IpNet.parse("10.8.0.4/24")), "02:42:0a:08:00:04"));
            assertThat(driverA.next()).as("its own endpoint and a local network's are skipped").isEqualTo("joined e1 on 192.0.2.2 [10.8.0.4/24]");
            withdraw(before);
            assertThat(driverA.next()).isEqualTo("left e0 on 192.0.2.2");
            assertThat(driverA.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(localA.events).isEmpty();
            assertThat(a.isGlobal(overlay)).isTrue();
            assertThat(a.isGlobal(local)).isFalse();
        }
    }

    /** What a join's transaction writes on a global network. */
    private void publish(Peer peer) {
        shared.txn().put(StateStore.peerKey(peer.networkId(), peer.endpointId()), StateStore.encode(peer)).commit();
    }

    /** What a leave's transaction deletes. */
    private void withdraw(Peer peer) {
        shared.txn().delete(StateStore.peerKey(peer.networkId(), peer.endpointId())).commit();
    }

    private PeerTable table(String host, NetworkDriver... drivers) {
        DriverRegistry registry = new DriverRegistry();
        for (NetworkDriver d : drivers) {
            registry.register(d);
        }
        Map<String, Network> networks = Map.of(overlay.id(), overlay, local.id(), local);
        return new PeerTable(shared, registry, null, host, id -> Optional.ofNullable(networks.get(id)));
    }

    private static Network network(String letter, String driver) {
        return new Network(letter.repeat(64), letter, driver, List.of(), Map.of(), Map.of(), false, true, false, false,
                "2026-01-01T00:00:00Z");
    }
}
