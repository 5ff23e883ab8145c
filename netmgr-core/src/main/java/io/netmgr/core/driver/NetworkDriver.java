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

    /** Undoes {@link #join}; must succeed when the sandbox or the links are already gone. */
    void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox);

    /** Whether the driver's kernel objects for {@code network} exist (for the reconciler). */
    default boolean networkIsIntact(HostContext host, Network network) {
        return true;
    }
}
