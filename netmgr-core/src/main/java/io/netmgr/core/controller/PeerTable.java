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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The joined endpoints of global-scope networks, each under
 * {@code /netmgr/global/peers/<network>/<endpoint>} in the cluster store: the host that joins
 * one writes its entry in the join's own transaction (and deletes it in the leave's, see
 * {@link StateStore#save}), and every other host's driver of that network learns of it through
 * {@link PeerListener} (libnetwork's peer table and EventNotify). A host's own entries are not
 * delivered back to it.
 */
public final class PeerTable implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerTable.class.getName());
    public static final String PEERS = io.netmgr.core.store.ScopedStore.GLOBAL + "peers/";

    private final Store store;
    private final DriverRegistry drivers;
    private final HostContext host;
    private final String localHost;
    private final Function<String, Optional<Network>> networks;
    private final Map<String, Peer> known = new ConcurrentHashMap<>(); // key -> entry, for deletions
    private final Map<String, PeerListener> listeners = new ConcurrentHashMap<>(); // network id -> its driver
    private Watch watch;
    // changes waiting for the programming thread, per listener: whatever piles up while it works goes in one call
    private final Object pendingLock = new Object();
    private Map<PeerListener, PeerChanges> pending = new java.util.LinkedHashMap<>();
    private boolean drainScheduled;
    private final java.util.concurrent.ExecutorService programming = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "netmgr-peer-programming");
        t.setDaemon(true);
        return t;
    });

    /**
     * A table over the cluster store {@code store} for the host reached at {@code localHost} (its
     * underlay address), finding networks by id through {@code networks}; tells the drivers that
     * listen for peers that address at once.
     */
    public PeerTable(Store store, DriverRegistry drivers, HostContext host, String localHost,
                     Function<String, Optional<Network>> networks) {
        this.store = store;
        this.drivers = drivers;
        this.host = host;
        this.localHost = localHost;
        this.networks = networks;
        // before anything else: a reconciler repairing an overlay at start needs the address already
        for (NetworkDriver d : drivers.all()) {
            if (d instanceof PeerListener listener) {
                listener.advertiseAddress(host, localHost);
            }
        }
    }

    /** Whether endpoints of {@code network} are peers other hosts must learn of. */
    public boolean isGlobal(Network network) {
        return drivers.has(network.driver()) && drivers.get(network.driver()).capability().dataScope() == Scope.GLOBAL;
    }

    /** Delivers every peer stored now, then every change, to the network's driver, until {@link #close}. */
    public void start() {
        resync();
    }

    /**
     * Reads the whole table again and delivers what changed since the last look (peers gone as
     * left, the others as joined), then follows the changes from there: at start, after this
     * host's lease was lost (its view may be stale), and when the store compacted changes the
     * watch had not yet delivered.
     */
    public synchronized void resync() {
        if (watch != null) {
            watch.close();
        }
        long revision = store.revision();
        Map<String, KeyValue> now = new java.util.LinkedHashMap<>();
        for (KeyValue kv : store.range(PEERS)) {
            if (kv.modRevision() <= revision) {
                now.put(kv.key(), kv);
            }
        }
        for (String gone : List.copyOf(known.keySet())) {
            if (!now.containsKey(gone)) {
                deliver(new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(gone, new byte[0], 0, 0, 0), revision));
            }
        }
        now.values().forEach(kv -> deliver(new WatchEvent(WatchEvent.Type.PUT, kv, kv.modRevision())));
        watch = store.watch(PEERS, revision, this::deliver, compacted -> resync());
    }

    private void deliver(WatchEvent event) {
        String key = event.kv().key();
        Peer peer;
        boolean knownBefore;
        if (event.type() == WatchEvent.Type.PUT) {
            peer = StateStore.decode(event.kv(), Peer.class);
            knownBefore = known.put(key, peer) != null;
        } else {
            // a store may report a deletion without the value (etcd without prevKv, a lease's expiry)
            peer = known.remove(key);
            if (peer == null) {
                return;
            }
            knownBefore = true;
        }
        if (peer.host().equals(localHost)) {
            return;
        }
        PeerListener listener = listenerOf(peer.networkId());
        if (listener != null) {
            synchronized (pendingLock) {
                PeerChanges changes = pending.computeIfAbsent(listener, l -> new PeerChanges());
                if (event.type() == WatchEvent.Type.PUT) {
                    changes.joined(key, peer, knownBefore);
                } else {
                    changes.left(key, peer, knownBefore);
                }
                if (!drainScheduled) {
                    drainScheduled = true;
                    programming.execute(this::drain);
                }
            }
        }
    }

    /**
     * The driver that listens for peers of network {@code id}, or null when this host does not
     * have the network (yet) or its driver does not listen. Found once per network: looking the
     * network up is a cluster store read, which made per event bound programming to one etcd
     * round trip per peer (about 1,100 peers/s). A network's id and driver never change and its
     * id is never reused, so what is found stays true; "not found" is not remembered.
     */
    private PeerListener listenerOf(String networkId) {
        PeerListener known = listeners.get(networkId);
        if (known != null) {
            return known;
        }
        Optional<Network> network = networks.apply(networkId).filter(this::isGlobal);
        if (network.isPresent() && drivers.get(network.get().driver()) instanceof PeerListener listener) {
            listeners.put(networkId, listener);
            return listener;
        }
        return null;
    }

    /**
     * Hands the listeners every change that arrived since the last drain, in one call each: one
     * change when they come one at a time (no delay), many when they come faster than the kernel
     * is programmed (a resync, a burst, churn), so a driver can batch them.
     */
    private void drain() {
        Map<PeerListener, PeerChanges> taken;
        synchronized (pendingLock) {
            taken = pending;
            pending = new java.util.LinkedHashMap<>();
            drainScheduled = false;
        }
        taken.forEach((listener, changes) -> {
            if (changes.isEmpty()) {
                return;
            }
            try {
                listener.peersChanged(host, changes.left(), changes.joined());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "programming " + changes.left().size() + " peers gone and "
                        + changes.joined().size() + " joined failed: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        programming.shutdown();
    }
}
