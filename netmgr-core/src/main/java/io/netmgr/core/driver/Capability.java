package io.netmgr.core.driver;

import java.util.List;

/**
 * What a driver can do, for callers to ask instead of branching on its name (after libnetwork's
 * driverapi.Capability).
 *
 * @param dataScope       where its networks are known
 * @param shapesTraffic   whether it can limit an endpoint's bandwidth: it makes a host-side link
 *                        where traffic into the sandbox can be shaped
 * @param holdsGateway    whether it puts the network's gateway addresses on the host (a bridge),
 *                        rather than routing through a gateway outside netmgr (macvlan)
 * @param requiredOptions the network options it cannot do without, e.g. macvlan's parent
 */
public record Capability(Scope dataScope, boolean shapesTraffic, boolean holdsGateway, List<String> requiredOptions) {
    /** A local driver that makes nothing it could shape and holds no gateway. */
    public static final Capability LOCAL = new Capability(Scope.LOCAL, false, false, List.of());

    public Capability {
        requiredOptions = List.copyOf(requiredOptions);
    }

    public Capability withTrafficShaping() {
        return new Capability(dataScope, true, holdsGateway, requiredOptions);
    }

    public Capability withGateway() {
        return new Capability(dataScope, shapesTraffic, true, requiredOptions);
    }

    public Capability requiring(String... options) {
        return new Capability(dataScope, shapesTraffic, holdsGateway, List.of(options));
    }
}
