package io.netmgr.core.driver;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkPool;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A network driver (after libnetwork's driverapi): makes what a network needs on the host,
 * what an endpoint needs when it is created, and puts an endpoint's interface into a sandbox on
 * join. Every method must either succeed or leave nothing behind, so the controller can roll
 * back cleanly. A global-scope driver also implements {@link PeerListener}.
 */
public interface NetworkDriver {

    /** The name networks use to pick this driver ("bridge", "macvlan"...). */
    String name();

    /** What the driver can do: its data scope, whether it shapes traffic, the options it needs. */
    default Capability capability() {
        return Capability.LOCAL;
    }

    /** Checks the network's options before anything is made; throws NetmgrException.invalid. */
    default void validate(Network network) {
    }

    void createNetwork(HostContext host, Network network);

    /**
     * A global-scope driver's network completed with what it holds alone in the cluster and the
     * user left out (an overlay's VNI), chosen among the values {@code claims} says are free;
     * called before {@link #createNetwork}. The network as given by default.
     */
    default Network withClusterDefaults(Network network, ClusterClaims claims) {
        return network;
    }

    /**
     * What {@code network} (as {@link #withClusterDefaults} completed it) holds alone in the
     * cluster: the controller claims each in the transaction that stores the network, and
     * refuses the network, naming the option, when one is held. None by default.
     */
    default List<ClusterClaim> clusterClaims(Network network) {
        return List.of();
    }

    /**
     * Whether this driver's endpoints join the host's own namespace as it is (host networking).
     * The controller refuses to join any other driver's endpoint into a sandbox of the host's
     * namespace, where its interface and default route would land on the host.
     */
    default boolean usesHostNamespace() {
        return false;
    }

    void deleteNetwork(HostContext host, Network network);

    /**
     * Makes what {@code endpoint} needs before any join (libnetwork's CreateEndpoint); its
     * addresses are already reserved. Nothing by default.
     */
    default void createEndpoint(HostContext host, Network network, Endpoint endpoint) {
    }

    /** Undoes {@link #createEndpoint}; the endpoint has left any sandbox. Nothing by default. */
    default void deleteEndpoint(HostContext host, Network network, Endpoint endpoint) {
    }

    /**
     * Puts {@code endpoint}'s interface into {@code sandbox}, named {@code endpoint.interfaceName()},
     * shapes its {@code bandwidth} when the driver can, and says which gateways and static
     * routes the sandbox needs.
     */
    JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox);

    /**
     * Makes {@code endpoint}'s interface for a sandbox its caller owns ({@link JoinMode#HAND_OVER}):
     * as {@link #join}, but the interface stays in the host's namespace named
     * {@code endpoint.interfaceName()}, for the caller to move into its sandbox, rename and address.
     * By default the driver joins the host's namespace as if it were the sandbox; a driver whose
     * join does more inside the sandbox than make the interface overrides this.
     */
    default JoinInfo joinForHandOver(HostContext host, Network network, Endpoint endpoint) {
        return join(host, network, endpoint, host.namespace());
    }

    /**
     * Undoes {@link #join} or {@link #joinForHandOver}; must succeed when the sandbox or the links
     * are already gone ({@code sandbox} is null then, and after a hand-over).
     */
    void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox);

    /**
     * The gateways a sandbox on {@code network} routes through by default, as {@link #join}
     * reports them: each pool's by default.
     */
    default List<IpAddress> gateways(Network network) {
        return network.pools().stream().map(NetworkPool::gateway).toList();
    }

    /** The host link {@code network}'s endpoints hang off (a bridge), if the driver makes one. */
    default Optional<String> networkLink(Network network) {
        return Optional.empty();
    }

    /**
     * Joins this host to {@code network}'s data plane without an endpoint of its own, for the
     * service mesh: a host publishing a global service's port must reach backends on other hosts
     * through the network even when none of its containers is on it (Docker's ingress-sbox). The
     * host holds {@code address}, its own on the network, for source NAT; returns the MAC address
     * other hosts reach it at, which they program as a peer. Idempotent; kept until
     * {@link #meshLeave}, whatever endpoints come and go. Global drivers only.
     */
    default String meshJoin(HostContext host, Network network, io.netmgr.netlink.addr.IpNet address) {
        throw new UnsupportedOperationException("driver " + name() + " has no data plane to join for the service mesh");
    }

    /** Undoes {@link #meshJoin}: the data plane goes too when no endpoint of this host is on it. Nothing by default. */
    default void meshLeave(HostContext host, Network network) {
    }

    /**
     * What the host firewall must do for {@code network} (masquerade, isolation, icc, published
     * ports), or empty when this driver's networks need no host rules (host, none, macvlan). The
     * controller derives the whole firewall state from these and the stored endpoints, so rules
     * can always be rebuilt from the store after a crash.
     */
    default Optional<NetworkRules> firewallRules(Network network) {
        return Optional.empty();
    }

    /**
     * After a join: opens the endpoint to the outside beyond what {@link #firewallRules} states,
     * as libnetwork's ProgramExternalConnectivity (the controller publishes the endpoint's ports
     * itself, right before).
     */
    default void programExternalConnectivity(HostContext host, Network network, Endpoint endpoint) {
    }

    /** Before a leave: takes back what {@link #programExternalConnectivity} opened. */
    default void revokeExternalConnectivity(HostContext host, Network network, Endpoint endpoint) {
    }

    /**
     * Brings the host side of {@code network} back to what the store says (a deleted bridge,
     * a missing gateway address, detached ports of {@code joined} endpoints); returns what it
     * did, one line per repair, for the log.
     */
    default List<String> repair(HostContext host, Network network, List<Endpoint> joined) {
        return List.of();
    }

    /**
     * Whether what {@code network} stands on in the host is still there (a bridge someone may
     * have deleted): a cheap check the controller makes before each join, so a network damaged
     * while nobody watched (a reboot, as a CNI plugin sees it) is {@link #repair repaired} first.
     */
    default boolean intact(HostContext host, Network network) {
        return true;
    }

    /**
     * Brings what {@link #join} made for one joined endpoint back to what the store says (a
     * removed qdisc); {@code sandbox} is its namespace. Returns one line per repair.
     */
    default List<String> repairEndpoint(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        return List.of();
    }

    /** What differs from what {@link #join} made for {@code endpoint}, one line each; empty when nothing. */
    default List<String> verify(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        return List.of();
    }

    /**
     * The host links this driver makes, recognised by name, each with the ID prefix of the
     * network or endpoint it belongs to: the reconciler removes those nobody owns any more.
     */
    default Map<String, String> madeLinks(HostContext host) {
        return Map.of();
    }

    /** How a CNI configuration's keys set this driver's options; empty when it does not serve CNI. */
    default Optional<CniMapping> cniMapping() {
        return Optional.empty();
    }

    /**
     * The kernel features this driver needs that {@code scratch} (a throwaway namespace holding
     * a veth pair probe0/probe1) refuses, found by making its links there; empty when all work.
     */
    default List<String> missingKernelFeatures(NetlinkHandle scratch) {
        return List.of();
    }

    /** What the host lacks for a network with {@code options} (a missing parent interface); empty when nothing. */
    default List<String> missingOnHost(HostContext host, Map<String, String> options) {
        return List.of();
    }
}
