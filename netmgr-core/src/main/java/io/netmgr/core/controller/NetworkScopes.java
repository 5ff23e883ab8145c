package io.netmgr.core.controller;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.cluster.HostInfo;
import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.driver.ClusterClaim;
import io.netmgr.core.driver.ClusterClaims;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.driver.Scope;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.network.Network;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.Store;
import io.netmgr.core.store.Txn;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a network's data scope decides (libnetwork's local and global stores): which IPAM hands
 * out its pools and addresses (the host's, or the one on the cluster store, so that addresses
 * are unique on every host), whether it may be made at all (a global driver needs a cluster
 * store), and the values a global network holds alone in the cluster, under
 * {@code /netmgr/global/claims/KIND/VALUE} (the holder's id).
 */
final class NetworkScopes implements ClusterClaims {
    static final String CLAIMS = ScopedStore.GLOBAL + "claims/";

    private final StateStore state;
    private final DriverRegistry drivers;
    private final IpamDriver localIpam;
    private final Optional<IpamDriver> clusterIpam;
    private final Optional<Store> clusterStore;

    NetworkScopes(StateStore state, DriverRegistry drivers, IpamDriver localIpam, Optional<IpamDriver> clusterIpam,
                  Optional<Store> clusterStore) {
        this.clusterStore = clusterStore;
        this.state = state;
        this.drivers = drivers;
        this.localIpam = localIpam;
        this.clusterIpam = clusterIpam;
    }

    static boolean isGlobalDriver(DriverRegistry drivers, String driver) {
        return drivers.has(driver) && drivers.get(driver).capability().dataScope() == Scope.GLOBAL;
    }

    /**
     * How a message names host {@code hostId}: its hostname and address as it registered them
     * (see {@link io.netmgr.core.cluster.HostRegistry}), else its id.
     */
    String hostLabel(String hostId) {
        return clusterStore.flatMap(c -> c.get(HostRegistry.MEMBERS + hostId)).map(kv -> StateStore.decode(kv, HostInfo.class))
                .map(h -> h.hostname() + " (" + h.advertiseAddress() + ")").orElse(hostId);
    }

    /** The hosts registered in the cluster, as they registered (none without a cluster store). */
    List<HostInfo> clusterHosts() {
        return clusterStore.map(HostRegistry::members).orElse(List.of());
    }

    /** Refuses a network of a global-scope driver on a host without a cluster store, before anything is made. */
    void checkCanCreate(String name, String driver) {
        if (isGlobalDriver(drivers, driver) && !state.clustered()) {
            throw NetmgrException.invalid("network " + name + ": driver " + driver + " makes networks that span hosts and needs"
                    + " a cluster store, which this host has none of; start netmgrd with --cluster-store etcd://HOST:PORT"
                    + " --advertise-addr IP (this host's underlay address)");
        }
    }

    /** The scope a network of {@code driver} is stored with: {@link Network#GLOBAL} for a global driver. */
    String scopeOf(String driver) {
        return isGlobalDriver(drivers, driver) ? Network.GLOBAL : Network.LOCAL;
    }

    /** The IPAM of networks of {@code driver}: the cluster's for a global driver on a clustered host. */
    IpamDriver ipamFor(String driver) {
        return isGlobalDriver(drivers, driver) && state.clustered() ? clusterIpam.orElseThrow() : localIpam;
    }

    IpamDriver ipamOf(Network network) {
        return ipamFor(network.driver());
    }

    /** The IPAM of global networks, on the cluster store; empty on a host without one. */
    Optional<IpamDriver> clusterIpam() {
        return state.clustered() ? clusterIpam : Optional.empty();
    }

    /** The host's own IPAM, which the reconciler may tidy; the cluster's belongs to every host. */
    IpamDriver localIpam() {
        return localIpam;
    }

    /** {@code network} completed by its driver with what it claims in the cluster, refused when a value is held. */
    Network claim(Network network, NetworkDriver driver) {
        if (!state.isGlobal(network)) {
            return network;
        }
        Network complete = driver.withClusterDefaults(network, this);
        for (ClusterClaim c : driver.clusterClaims(complete)) {
            Optional<String> holder = holder(c.kind(), c.value());
            if (holder.isPresent()) {
                String by = state.network(holder.get()).map(Network::name).orElse(holder.get());
                throw NetmgrException.conflict("network " + network.name() + ": " + c.option() + " is already used by network "
                        + by + "; choose another or leave it out for a free one");
            }
        }
        return complete;
    }

    /** {@code txn}, also claiming what {@code network} holds alone; its conditions fail when another took one first. */
    Txn withClaims(Txn txn, Network network) {
        for (ClusterClaim c : claimsOf(network)) {
            txn.ifAbsent(key(c.kind(), c.value())).put(key(c.kind(), c.value()), StateStore.text(network.id()));
        }
        return txn;
    }

    /** {@code txn}, also releasing what {@code network} held alone. */
    Txn withoutClaims(Txn txn, Network network) {
        claimsOf(network).forEach(c -> txn.delete(key(c.kind(), c.value())));
        return txn;
    }

    private List<ClusterClaim> claimsOf(Network network) {
        return state.isGlobal(network) && drivers.has(network.driver()) ? drivers.get(network.driver()).clusterClaims(network)
                : List.of();
    }

    @Override
    public Set<String> taken(String kind) {
        String prefix = CLAIMS + kind + "/";
        return state.store().range(prefix).stream().map(kv -> kv.key().substring(prefix.length())).collect(Collectors.toSet());
    }

    @Override
    public Optional<String> holder(String kind, String value) {
        return state.store().get(key(kind, value)).map(KeyValue::valueAsString);
    }

    private static String key(String kind, String value) {
        return CLAIMS + kind + "/" + value;
    }
}
