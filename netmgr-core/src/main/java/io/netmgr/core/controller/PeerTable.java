package io.netmgr.core.controller;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.Peer;
import io.netmgr.core.driver.PeerListener;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.network.Network;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.util.Optional;
import java.util.function.Function;

/**
 * The endpoints of global-scope networks, each under {@code /netmgr/peers/<network>/<endpoint>}
 * in the store the hosts share: the host that joins one publishes it, and every other host's
 * driver of that network learns of it through {@link PeerListener} (libnetwork's peer table and
 * EventNotify). A host's own entries are not delivered back to it.
 */
public final class PeerTable implements AutoCloseable {
    static final String PEERS = "/netmgr/peers/";

    private final Store store;
    private final DriverRegistry drivers;
    private final HostContext host;
    private final String localHost;
    private final Function<String, Optional<Network>> networks;
    private Watch watch;

    /**
     * A table for the host reached at {@code localHost} (its underlay address), finding networks by
     * id through {@code networks}.
     */
    public PeerTable(Store store, DriverRegistry drivers, HostContext host, String localHost,
                     Function<String, Optional<Network>> networks) {
        this.store = store;
        this.drivers = drivers;
        this.host = host;
        this.localHost = localHost;
        this.networks = networks;
    }

    /** Whether endpoints of {@code network} are peers other hosts must learn of. */
    public boolean isGlobal(Network network) {
        return drivers.has(network.driver()) && drivers.get(network.driver()).capability().dataScope() == Scope.GLOBAL;
    }

    /** Publishes an endpoint of this host that joined a global network. */
    public void publish(Peer peer) {
        store.txn().put(key(peer), StateStore.encode(peer)).commit();
    }

    /** Withdraws an endpoint of this host that left. */
    public void withdraw(Peer peer) {
        store.txn().delete(key(peer)).commit();
    }

    /** Delivers every peer stored now, then every change, to the network's driver, until {@link #close}. */
    public void start() {
        long revision = store.revision();
        for (KeyValue kv : store.range(PEERS)) {
            if (kv.modRevision() <= revision) {
                deliver(new WatchEvent(WatchEvent.Type.PUT, kv, kv.modRevision()));
            }
        }
        watch = store.watch(PEERS, revision, this::deliver);
    }

    private void deliver(WatchEvent event) {
        Peer peer = StateStore.decode(event.kv(), Peer.class);
        if (peer.host().equals(localHost)) {
            return;
        }
        Optional<Network> network = networks.apply(peer.networkId()).filter(this::isGlobal);
        if (network.isEmpty()) {
            return; // a network this host does not have
        }
        NetworkDriver driver = drivers.get(network.get().driver());
        if (driver instanceof PeerListener listener) {
            if (event.type() == WatchEvent.Type.PUT) {
                listener.peerJoined(host, peer);
            } else {
                listener.peerLeft(host, peer);
            }
        }
    }

    private static String key(Peer peer) {
        return PEERS + peer.networkId() + "/" + peer.endpointId();
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
