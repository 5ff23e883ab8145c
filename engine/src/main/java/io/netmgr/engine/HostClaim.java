package io.netmgr.engine;

import io.netmgr.core.NetmgrException;
import io.netmgr.netlink.NetlinkHandle;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which state directory manages a host namespace's networks, written into the namespace itself:
 * the alias of its loopback ({@code ip link show lo} prints "alias netmgr state DIR"). It lives
 * and dies with the namespace, so a reboot or a deleted test namespace leaves nothing behind.
 *
 * <p>Two state directories on one namespace would each take the other's bridges and rules for
 * leftovers (the nft table {@code inet netmgr}, the bridge netmgr0, nm-* bridges) and remove
 * them, so a second one is refused before anything is touched. A claim whose directory has no
 * store any more (deleted, or a fresh install) is stale: the new state directory takes over, and
 * what the old one left is adopted or replaced.
 */
final class HostClaim {
    private static final System.Logger LOG = System.getLogger(HostClaim.class.getName());
    private static final String PREFIX = "netmgr state ";
    private static final String LOOPBACK = "lo";

    private HostClaim() {
    }

    /** Claims the namespace {@code host} is a handle on for {@code stateDir}; refuses when another live one holds it. */
    static void take(NetlinkHandle host, String namespaceName, Path stateDir) {
        String mine = PREFIX + stateDir.toAbsolutePath().normalize();
        Optional<String> alias = host.links().alias(LOOPBACK);
        if (alias.isPresent() && !alias.get().startsWith(PREFIX)) {
            LOG.log(Level.WARNING, "the loopback of " + namespaceName + " has an alias of someone else's (\"" + alias.get()
                    + "\"); not marking it, so a second netmgr state directory there would not be detected");
            return;
        }
        if (alias.isPresent() && !alias.get().equals(mine)) {
            Path other = Path.of(alias.get().substring(PREFIX.length()));
            if (Files.exists(other.resolve("store"))) {
                throw NetmgrException.conflict(namespaceName + " is managed by netmgr with state directory " + other
                        + ", not " + stateDir + ": two state directories on one host would remove each other's bridges "
                        + "and firewall rules; use " + other + " (netmgrd --state-dir, CNI stateDir), or delete its "
                        + "networks and remove it first");
            }
            LOG.log(Level.INFO, "taking over " + namespaceName + " from state directory " + other + ", which no longer exists");
        }
        if (!alias.equals(Optional.of(mine))) {
            host.links().setAlias(LOOPBACK, mine);
        }
    }
}
