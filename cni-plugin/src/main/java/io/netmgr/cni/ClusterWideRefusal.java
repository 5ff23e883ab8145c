package io.netmgr.cni;

import io.netmgr.cni.config.CniDrivers;
import io.netmgr.cni.config.NetConf;
import io.netmgr.cni.daemon.CniWire;
import io.netmgr.core.driver.Scope;

/**
 * Why the plugin's in-process path serves no cluster-wide ({@code "driver": "overlay"}) network:
 * a node of a cluster holds its endpoints' addresses under a lease it keeps alive, and watches the
 * other nodes' endpoints to program them; a plugin process lives for one call and can do neither.
 * As flannel runs flanneld on every node, netmgr runs netmgrd with {@code --cluster-store}, and
 * the plugin hands it the call through its socket. When that daemon does not answer, the call is
 * refused before anything is opened, saying what to run: "try again later" (11) while the
 * configuration names a socket (the daemon may be starting), "invalid configuration" (7) when it
 * turned the daemon path off.
 */
final class ClusterWideRefusal {
    private ClusterWideRefusal() {
    }

    /** Refuses {@code conf} in-process when its driver makes cluster-wide networks. */
    static void check(NetConf conf) {
        if (CniDrivers.get(conf.driver()).capability().dataScope() != Scope.GLOBAL) {
            return;
        }
        String fix = "run netmgrd on this node with --cluster-store etcd://HOST:PORT --advertise-addr IP (this node's "
                + "underlay address)";
        if (conf.daemonSocket().filter(String::isEmpty).isPresent()) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "driver \"" + conf.driver() + "\" works only through netmgrd, "
                    + "but this configuration sets \"daemonSocket\": \"\" (in-process, where no cluster store is kept)",
                    "drop \"daemonSocket\" or name netmgrd's socket, and " + fix);
        }
        String socket = conf.daemonSocket().orElse(CniWire.DEFAULT_SOCKET);
        throw new CniError(CniError.TRY_AGAIN_LATER, "driver \"" + conf.driver() + "\" works only through netmgrd, and netmgrd "
                + "did not run the call on " + socket + " (the plugin keeps no cluster store in-process)",
                fix + (conf.daemonSocket().isPresent() ? "" : ", or name its socket with \"daemonSocket\""));
    }
}
