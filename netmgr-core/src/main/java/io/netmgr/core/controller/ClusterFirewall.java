package io.netmgr.core.controller;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallRefusal;
import io.netmgr.core.network.Network;
import io.netmgr.core.service.ServiceRulesOf;
import io.netmgr.core.service.ServiceScope;
import io.netmgr.core.service.ServiceStore;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Watch;
import io.netmgr.core.store.WatchEvent;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Keeps this host's firewall in line with what other hosts change in the cluster store, from its
 * watch alone (nothing is polled): a global network made or removed elsewhere (its rules), a
 * global service created, republished or removed, a backend attached or detached on any host, a
 * backend's container joining or leaving (its peer entry), and a dead host's backends and peer
 * entries vanishing with its lease. Each change marks the service (or network) it touches; one
 * thread then reads each marked one from the store again and applies only its rules
 * ({@link Firewall#applyService}: element changes), holding the controller's lock so that it
 * never interleaves with this host's own changes. Changes piling up while it works are
 * coalesced. A service record changed (created, republished, removed) also reconciles this
 * host's part in the routing mesh ({@link ServiceMesh}) first; a backend's change does not. At start, after a lost lease and after a compaction the watch could not resume
 * over, every global service and network is read again (a full resync).
 */
final class ClusterFirewall implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterFirewall.class.getName());
    private static final String NETWORKS = StateStore.GLOBAL_NETWORKS;
    private static final String SERVICES = ServiceStore.GLOBAL_SERVICES;
    private static final String BACKENDS = ServiceStore.GLOBAL_BACKENDS;
    private static final String PEERS = PeerTable.PEERS;

    /** Runs work holding the controller's lock. */
    interface Locked {
        void run(Runnable work);
    }

    private final Store cluster;
    private final StateStore state;
    private final HostFirewall hostFirewall;
    private final Firewall firewall;
    private final ServiceScope services;
    private final Locked locked;
    private final Runnable mesh;
    private final Object pendingLock = new Object();
    private Set<String> dirtyServices = new LinkedHashSet<>();
    private Set<String> dirtyNetworks = new LinkedHashSet<>();
    private boolean meshDirty; // a service record changed: which networks the mesh needs may have
    // endpoint id -> the global services it backs, from the backends' keys as watched: a peer event
    // (many, under churn) finds the services it touches without a cluster store read
    private final java.util.Map<String, Set<String>> backing = new java.util.concurrent.ConcurrentHashMap<>();
    private boolean drainScheduled;
    private Watch watch;
    private final ExecutorService programming = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "netmgr-cluster-firewall");
        t.setDaemon(true);
        return t;
    });

    ClusterFirewall(Store cluster, StateStore state, HostFirewall hostFirewall, Firewall firewall, ServiceScope services,
                    Locked locked, Runnable mesh) {
        this.mesh = mesh;
        this.cluster = cluster;
        this.state = state;
        this.hostFirewall = hostFirewall;
        this.firewall = firewall;
        this.services = services;
        this.locked = locked;
    }

    /** Reads every global service and network again, then follows the changes: at start, after a lost lease or a compaction. */
    synchronized void resync() {
        if (watch != null) {
            watch.close();
        }
        long revision = cluster.revision();
        Set<String> serviceIds = new LinkedHashSet<>();
        cluster.range(SERVICES).forEach(kv -> serviceIds.add(kv.key().substring(SERVICES.length())));
        // the services this host programmed that are gone now: removed while the watch was not delivering
        List<String> programmed = firewall.current().services().stream().map(r -> r.serviceId()).toList();
        if (!programmed.isEmpty()) {
            Set<String> local = new HashSet<>(); // one read for all: this host's own services, by id
            state.store().range(ServiceStore.SERVICES).forEach(kv -> local.add(kv.key().substring(ServiceStore.SERVICES.length())));
            programmed.stream().filter(id -> !local.contains(id)).forEach(serviceIds::add);
        }
        Set<String> networkIds = new LinkedHashSet<>();
        cluster.range(NETWORKS).forEach(kv -> networkIds.add(kv.key().substring(NETWORKS.length())));
        backing.clear();
        cluster.range(BACKENDS).forEach(kv -> indexBackend(kv.key(), true));
        synchronized (pendingLock) {
            meshDirty = true; // the mesh is reconciled even when no service is left
        }
        mark(serviceIds, networkIds);
        watch = cluster.watch(ScopedStore.GLOBAL, revision, this::changed, compacted -> {
            LOG.log(System.Logger.Level.INFO, "cluster store compacted past this host's watch: reading every global service again");
            resync();
        });
    }

    private void changed(WatchEvent event) {
        String key = event.kv().key();
        if (key.startsWith(SERVICES)) {
            synchronized (pendingLock) {
                meshDirty = true;
            }
            mark(Set.of(key.substring(SERVICES.length())), Set.of());
        } else if (key.startsWith(BACKENDS)) {
            mark(Set.of(indexBackend(key, event.type() == WatchEvent.Type.PUT)), Set.of());
        } else if (key.startsWith(PEERS)) {
            // a container joining or leaving: the services it backs, if any
            Set<String> backed = backing.get(key.substring(key.lastIndexOf('/') + 1));
            if (backed != null) {
                mark(Set.copyOf(backed), Set.of());
            }
        } else if (key.startsWith(NETWORKS)) {
            mark(Set.of(), Set.of(key.substring(NETWORKS.length())));
        }
    }

    /** Notes backend key {@code key} (SVCID/EPID under the backends' prefix) as there or gone; returns its service id. */
    private String indexBackend(String key, boolean there) {
        String rest = key.substring(BACKENDS.length());
        int slash = rest.indexOf('/');
        String serviceId = rest.substring(0, slash);
        String endpointId = rest.substring(slash + 1);
        if (there) {
            backing.computeIfAbsent(endpointId, e -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(serviceId);
        } else {
            backing.computeIfPresent(endpointId, (e, ids) -> {
                ids.remove(serviceId);
                return ids.isEmpty() ? null : ids;
            });
        }
        return serviceId;
    }

    private void mark(Set<String> serviceIds, Set<String> networkIds) {
        synchronized (pendingLock) {
            dirtyServices.addAll(serviceIds);
            dirtyNetworks.addAll(networkIds);
            if (!drainScheduled && !(dirtyServices.isEmpty() && dirtyNetworks.isEmpty() && !meshDirty)) {
                drainScheduled = true;
                programming.execute(this::drain);
            }
        }
    }

    private void drain() {
        Set<String> serviceIds;
        Set<String> networkIds;
        boolean meshToo;
        synchronized (pendingLock) {
            serviceIds = dirtyServices;
            networkIds = dirtyNetworks;
            meshToo = meshDirty;
            meshDirty = false;
            dirtyServices = new LinkedHashSet<>();
            dirtyNetworks = new LinkedHashSet<>();
            drainScheduled = false;
        }
        try {
            locked.run(() -> {
                networkIds.forEach(this::programNetwork);
                if (meshToo) {
                    mesh.run(); // first: a network joined for the mesh has its bridge before its VIPs go on it
                }
                serviceIds.forEach(this::programService);
            });
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "programming " + serviceIds.size() + " services and " + networkIds.size()
                    + " networks changed in the cluster failed: " + e.getMessage(), e);
        }
    }

    /** Network {@code id}'s rules as the store has it now: added, or removed when it is gone. */
    private void programNetwork(String id) {
        java.util.Optional<Network> network = state.get(NETWORKS, id, Network.class);
        if (network.isPresent()) {
            if (firewall.current().network(id).isEmpty()) {
                hostFirewall.addNetwork(network.get());
            }
        } else if (firewall.current().network(id).isPresent()) {
            FirewallRefusal.translate(() -> firewall.apply(firewall.current().withoutNetwork(id)));
        }
    }

    /** Service {@code id}'s rules as the store has it now: only its elements change; removed when it is gone. */
    private void programService(String id) {
        var service = services.store().byId(id);
        try {
            if (service.isPresent()) {
                FirewallRefusal.translate(() -> firewall.applyService(ServiceRulesOf.of(service.get(), services)));
            } else if (firewall.current().service(id).isPresent()) {
                FirewallRefusal.translate(() -> firewall.removeService(id));
            }
        } catch (RuntimeException e) {
            // one service's refusal (a port this host's container holds) must not stop the others
            LOG.log(System.Logger.Level.WARNING, "service " + service.map(s -> s.name()).orElse(id)
                    + " changed in the cluster, and this host cannot program it: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
        programming.shutdown();
    }
}
