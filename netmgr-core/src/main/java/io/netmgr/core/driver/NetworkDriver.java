package io.netmgr.core.driver;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.ns.NetNs;

/**
 * A network driver (after libnetwork's driverapi): makes what a network needs on the host,
 * and puts an endpoint's interface into a sandbox on join. Every method must either succeed
 * or leave nothing behind, so the controller can roll back cleanly.
 */
public interface NetworkDriver {

    /** The name networks use to pick this driver ("bridge", "macvlan"...). */
    String name();

    /** Checks the network's options before anything is made; throws NetmgrException.invalid. */
    default void validate(Network network) {
    }

    void createNetwork(HostContext host, Network network);

    void deleteNetwork(HostContext host, Network network);

    /** Puts {@code endpoint}'s interface into {@code sandbox}, named {@code endpoint.interfaceName()}. */
    JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox);

    /**
     * After a join: opens the endpoint to the outside (masquerade, published ports), as
     * libnetwork's ProgramExternalConnectivity. The firewall (nat module) plugs in here.
     */
    default void programExternalConnectivity(HostContext host, Network network, Endpoint endpoint) {
    }

    /** Before a leave: takes back what {@link #programExternalConnectivity} opened. */
    default void revokeExternalConnectivity(HostContext host, Network network, Endpoint endpoint) {
    }

    /** Undoes {@link #join}; must succeed when the sandbox or the links are already gone. */
    void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox);

    /**
     * Brings the host side of {@code network} back to what the store says (a deleted bridge,
     * a missing gateway address, detached ports of {@code joined} endpoints); returns what it
     * did, one line per repair, for the log.
     */
    default java.util.List<String> repair(HostContext host, Network network, java.util.List<Endpoint> joined) {
        return java.util.List.of();
    }

    /**
     * The host links this driver makes, recognised by name, each with the ID prefix of the
     * network or endpoint it belongs to: the reconciler removes those nobody owns any more.
     */
    default java.util.Map<String, String> madeLinks(HostContext host) {
        return java.util.Map.of();
    }
}
