package io.netmgr.core.kernel;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.ns.NetNs;

/** One sandbox's namespace, entered: the controller's side of a join, and the handle drivers get. */
public interface SandboxNamespace extends AutoCloseable {

    /** The namespace handle a driver puts an interface into. */
    NetNs handle();

    /** eth0, eth1... the first interface name not used in the sandbox. */
    String nextFreeInterfaceName();

    /**
     * Gives interface {@code ifName} the endpoint's addresses, brings it up, and (when
     * {@code routeViaGateway}) routes by the network's gateways unless the sandbox already has a
     * default route of that family (from another network, or an earlier pool of the family).
     */
    void configure(String ifName, Network network, Endpoint endpoint, boolean routeViaGateway);

    @Override
    void close();
}
