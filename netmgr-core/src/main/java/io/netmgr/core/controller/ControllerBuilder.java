package io.netmgr.core.controller;

import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.kernel.HostKernel;
import io.netmgr.core.kernel.SandboxNamespaces;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** The optional parts of a {@link NetworkController}, with their defaults. */
public final class ControllerBuilder {
    final Supplier<HostKernel> kernel;
    final Store store;
    final IpamDriver ipam;
    final DriverRegistry drivers;
    SandboxNamespaces sandboxNamespaces = SandboxNamespaces.mountedUnder(NetNs.DEFAULT_RUN_DIR);
    Optional<Firewall> firewall = Optional.empty();
    Optional<Path> lockFile = Optional.empty();
    boolean reconcileAtStart = true;
    Optional<Store> clusterStore = Optional.empty();
    Optional<IpamDriver> clusterIpam = Optional.empty();
    Optional<String> hostId = Optional.empty();
    Optional<IpAddress> advertiseAddress = Optional.empty();
    Supplier<Optional<Lease>> hostLease = Optional::empty;

    ControllerBuilder(Supplier<HostKernel> kernel, Store store, IpamDriver ipam, DriverRegistry drivers) {
        this.kernel = kernel;
        this.store = store;
        this.ipam = ipam;
        this.drivers = drivers;
    }

    /** Where the namespaces of sandboxes netmgr makes are mounted (default /run/netns). */
    public ControllerBuilder sandboxRunDir(Path dir) {
        return sandboxNamespaces(SandboxNamespaces.mountedUnder(dir));
    }

    /** Where sandboxes' namespaces are made and entered (default: mounted under /run/netns). */
    public ControllerBuilder sandboxNamespaces(SandboxNamespaces namespaces) {
        this.sandboxNamespaces = namespaces;
        return this;
    }

    /** The host firewall for masquerade, isolation and published ports; none by default. */
    public ControllerBuilder firewall(Firewall f) {
        this.firewall = Optional.of(f);
        return this;
    }

    /** A file every process sharing the store locks around each mutation (see {@link HostLock}). */
    public ControllerBuilder lockFile(Path file) {
        this.lockFile = Optional.of(file);
        return this;
    }

    /**
     * Whether to reconcile kernel, IPAM and store at start (default true). A short-lived
     * process (a CNI plugin run) may skip it when a long-lived one does it.
     */
    public ControllerBuilder reconcileAtStart(boolean on) {
        this.reconcileAtStart = on;
        return this;
    }

    /**
     * The store every host of the cluster shares (etcd), and the IPAM working on it: networks
     * of global-scope drivers, their pools, addresses and endpoints, and the peer table live
     * there ({@link ScopedStore}). Give {@link #hostId} and {@link #advertiseAddress} too.
     * Without it the host stands alone and global-scope networks are refused.
     */
    public ControllerBuilder clusterStore(Store store, IpamDriver ipam) {
        this.clusterStore = Optional.of(store);
        this.clusterIpam = Optional.of(ipam);
        return this;
    }

    /** This host's id in the cluster: its endpoints on global networks are filed under it. */
    public ControllerBuilder hostId(String id) {
        this.hostId = Optional.of(id);
        return this;
    }

    /**
     * This host's underlay address, where the other hosts reach its endpoints on global
     * networks (a VXLAN's remote end): its peer entries carry it ({@link PeerTable}).
     */
    public ControllerBuilder advertiseAddress(IpAddress address) {
        this.advertiseAddress = Optional.of(address);
        return this;
    }

    /**
     * The lease this host's peer entries are written under, asked at each join (the host
     * registry's {@code lease()}, which a lost lease replaces): they vanish with it when the
     * host dies. Without one they stay until the endpoints leave.
     */
    public ControllerBuilder hostLease(Supplier<Lease> lease) {
        this.hostLease = () -> Optional.of(lease.get());
        return this;
    }

    /** This host in the cluster, when built on a cluster store. */
    Optional<ClusterMember> member() {
        return clusterStore.map(c -> new ClusterMember(
                hostId.orElseThrow(() -> new IllegalArgumentException("a controller on a cluster store needs this host's id")),
                advertiseAddress.orElseThrow(() -> new IllegalArgumentException(
                        "a controller on a cluster store needs this host's advertise address")).toString(), hostLease));
    }

    public NetworkController build() {
        return new NetworkController(this);
    }
}
