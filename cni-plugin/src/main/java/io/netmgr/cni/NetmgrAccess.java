package io.netmgr.cni;

import io.netmgr.core.controller.NetworkController;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * How {@link CniHandler} reaches a controller for one command, always under the state
 * directory's cross-process lock: a short-lived plugin process opens netmgr for the command
 * ({@link #perCall()}); the daemon lends the controller it already has ({@link #shared}).
 */
public interface NetmgrAccess {

    /** Runs {@code work} with a controller for the state directory {@code conf} and {@code request} name. */
    <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work);

    /** Opens netmgr on the configuration's state directory for each call, after taking its lock. */
    static NetmgrAccess perCall() {
        return new NetmgrAccess() {
            @Override
            public <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work) {
                Path stateDir = conf.stateDir(request);
                // the lock comes first: the controller's start-up reconcile must see no change in flight
                try (StateDirLock lock = StateDirLock.acquire(stateDir);
                     EmbeddedNetmgr netmgr = EmbeddedNetmgr.open(stateDir, HostNamespace.of(request))) {
                    return work.apply(netmgr.controller());
                }
            }
        };
    }

    /**
     * The daemon's controller, for the daemon's state directory only: a configuration naming
     * another one is refused rather than served from the wrong store.
     */
    static NetmgrAccess shared(NetworkController controller, Path stateDir) {
        return new NetmgrAccess() {
            @Override
            public <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work) {
                Path wanted = conf.stateDir(request);
                if (!wanted.toAbsolutePath().normalize().equals(stateDir.toAbsolutePath().normalize())) {
                    throw new CniError(CniError.INVALID_NETWORK_CONFIG, "the netmgr daemon serves state directory " + stateDir
                            + ", but this request names " + wanted, "drop stateDir/NETMGR_STATE_DIR, or daemonSocket to run in-process");
                }
                try (StateDirLock lock = StateDirLock.acquire(stateDir)) {
                    return work.apply(controller);
                }
            }
        };
    }
}
