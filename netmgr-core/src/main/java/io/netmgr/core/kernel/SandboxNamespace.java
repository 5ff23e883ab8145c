package io.netmgr.core.kernel;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.netlink.ns.NetNs;
import java.util.List;
import java.util.Optional;

/** One sandbox's namespace, entered: the controller's side of a join, and the handle drivers get. */
public interface SandboxNamespace extends AutoCloseable {

    /** The namespace handle a driver puts an interface into. */
    NetNs handle();

    /** eth0, eth1... the first interface name not used in the sandbox. */
    String nextFreeInterfaceName();

    /** Whether the sandbox has an interface named {@code ifName} already. */
    boolean hasInterface(String ifName);

    /**
     * Gives interface {@code ifName} the endpoint's addresses, brings it up, and adds
     * {@code routes} (see {@link SandboxRoutes#of}) through it.
     */
    void configure(String ifName, Endpoint endpoint, List<SandboxRoutes.Wanted> routes);

    /**
     * Adds the routes of {@code wanted} that interface {@code ifName} lacks (deleted by hand) and
     * returns them; empty when the sandbox has no such interface.
     */
    Optional<List<SandboxRoutes.Wanted>> restoreRoutes(String ifName, List<SandboxRoutes.Wanted> wanted);

    /**
     * How the endpoint's interface differs from what its join made (missing, MAC, down,
     * addresses, routes of {@code wanted}), one line each; empty when it is as joined.
     */
    List<String> drift(Endpoint endpoint, List<SandboxRoutes.Wanted> wanted);

    @Override
    void close();
}
