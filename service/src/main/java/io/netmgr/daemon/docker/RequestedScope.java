package io.netmgr.daemon.docker;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.Scope;
import java.util.List;
import java.util.Optional;

/**
 * The scope {@code docker network create --scope} asks for, held against the driver's own: a
 * network's scope is its driver's data scope (libnetwork's rule), so a scope that differs is
 * refused as dockerd refuses it (403) rather than silently made the driver's. Docker names a
 * global scope "swarm"; netmgr has no swarm, its cluster store plays that part.
 */
final class RequestedScope {
    private static final List<String> KNOWN = List.of("local", "global", "swarm");

    private RequestedScope() {
    }

    /**
     * Refuses {@code requested} (null or blank: the driver's) for a network of {@code driver},
     * whose scope is {@code driverScope}; an unknown driver (empty) is left to the create, which
     * answers dockerd's "plugin not found".
     */
    static void check(String requested, String driver, Optional<Scope> driverScope) {
        if (requested == null || requested.isBlank()) {
            return;
        }
        if (!KNOWN.contains(requested)) {
            throw new IllegalArgumentException("scope " + requested + " is not supported: a network's scope is its driver's,"
                    + " local (bridge, macvlan) or global (overlay, on a netmgrd with --cluster-store)");
        }
        Scope wanted = "local".equals(requested) ? Scope.LOCAL : Scope.GLOBAL;
        Scope own = driverScope.orElse(wanted);
        if (wanted == Scope.LOCAL && own == Scope.GLOBAL) {
            throw NetmgrException.forbidden("cannot downgrade network scope for " + driver + " networks: they span the cluster's"
                    + " hosts (scope swarm); leave --scope out, or use -d bridge for a network of this host alone");
        }
        if (wanted == Scope.GLOBAL && own == Scope.LOCAL) {
            throw NetmgrException.forbidden("cannot create a " + requested + " scoped network when swarm is not active: driver "
                    + driver + " makes networks of this host alone (scope local); leave --scope out, or use -d overlay on a"
                    + " netmgrd with --cluster-store for a network across hosts");
        }
    }
}
