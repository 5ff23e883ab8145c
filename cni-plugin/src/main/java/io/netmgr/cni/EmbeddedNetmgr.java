package io.netmgr.cni;

import io.netmgr.cni.config.HostNamespace;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.engine.Engine;
import io.netmgr.engine.EngineConfig;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;

/**
 * netmgr opened for one short-lived plugin run: the engine on a state directory (the same
 * store and lock file as the daemon and the CLI), bound to the host namespace, with the
 * start-up reconcile and the rule guard off: repairs are the long-lived daemon's job, and
 * a reconcile here could take a concurrent run's half-made links for leftovers.
 */
final class EmbeddedNetmgr implements AutoCloseable {
    private final NetNs host;
    private final Engine engine;

    private EmbeddedNetmgr(NetNs host, Engine engine) {
        this.host = host;
        this.engine = engine;
    }

    static EmbeddedNetmgr open(Path stateDir, HostNamespace hostNamespace, FirewallChoice firewall) {
        NetNs host = hostNamespace.open();
        try {
            EngineConfig config = EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(host)
                    .withFirewall(firewall).withReconcile(false).withRuleGuard(false);
            return new EmbeddedNetmgr(host, Engine.open(config));
        } catch (RuntimeException e) {
            host.close();
            throw e;
        }
    }

    NetworkController controller() {
        return engine.controller();
    }

    @Override
    public void close() {
        try {
            engine.close();
        } finally {
            host.close();
        }
    }
}
