package io.netmgr.engine;

import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to assemble netmgr on one host.
 *
 * @param stateDir         the embedded store ({@code store/}) and the lock file processes sharing it take turns with
 * @param hostNamespace    the namespace playing the host; empty for the process's own
 * @param firewall         nftables (default), iptables, or none for an engine whose user does its own
 * @param reconcileAtStart repair kernel and IPAM from the store at start (a short-lived process may skip it)
 * @param ruleGuard        put netmgr's rules back within a second when someone removes them, and a network's
 *                         bridge as soon as someone deletes it (for a long-lived process)
 * @param sandboxRunDir    where namespaces of sandboxes netmgr makes are mounted
 */
public record EngineConfig(Path stateDir, Optional<NetNs> hostNamespace, FirewallChoice firewall, boolean reconcileAtStart,
                           boolean ruleGuard, Path sandboxRunDir) {
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/netmgr");

    public EngineConfig {
        Objects.requireNonNull(firewall, "firewall");
    }

    /** /var/lib/netmgr, the process's own namespace, nftables, reconcile and guard on, /run/netns. */
    public static EngineConfig defaults() {
        return new EngineConfig(DEFAULT_STATE_DIR, Optional.empty(), FirewallChoice.NFTABLES, true, true, NetNs.DEFAULT_RUN_DIR);
    }

    public EngineConfig withStateDir(Path dir) {
        return new EngineConfig(dir, hostNamespace, firewall, reconcileAtStart, ruleGuard, sandboxRunDir);
    }

    public EngineConfig withHostNamespace(NetNs ns) {
        return new EngineConfig(stateDir, Optional.of(ns), firewall, reconcileAtStart, ruleGuard, sandboxRunDir);
    }

    public EngineConfig withFirewall(FirewallChoice backend) {
        return new EngineConfig(stateDir, hostNamespace, backend, reconcileAtStart, ruleGuard, sandboxRunDir);
    }

    public EngineConfig withReconcile(boolean on) {
        return new EngineConfig(stateDir, hostNamespace, firewall, on, ruleGuard, sandboxRunDir);
    }

    public EngineConfig withRuleGuard(boolean on) {
        return new EngineConfig(stateDir, hostNamespace, firewall, reconcileAtStart, on, sandboxRunDir);
    }

    public EngineConfig withSandboxRunDir(Path dir) {
        return new EngineConfig(stateDir, hostNamespace, firewall, reconcileAtStart, ruleGuard, dir);
    }

    /** The file every process sharing {@link #stateDir} locks around each change. */
    public Path lockFile() {
        return stateDir.resolve("lock");
    }
}
