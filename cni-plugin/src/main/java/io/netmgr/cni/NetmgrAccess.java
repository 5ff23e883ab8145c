package io.netmgr.cni;

import io.netmgr.core.controller.NetworkController;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * How {@link CniHandler} reaches a controller for one command. The whole command (find or
 * create the network, adopt the sandbox, create and join the endpoint) runs under the
 * controller's lock, which spans processes through the state directory's lock file, so two
 * plugin runs, or a run and the daemon, never interleave. A short-lived plugin process opens
 * netmgr per call ({@link #perCall()}); the daemon lends its controller ({@link #shared}).
 */
public interface NetmgrAccess {

    /** Runs {@code work} with a controller for the state directory {@code conf} and {@code request} name. */
    <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work);

    /** Opens netmgr on the configuration's state directory for each call. */
    static NetmgrAccess perCall() {
        return new NetmgrAccess() {
            @Override
            public <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work) {
                String firewall = conf.firewall().or(() -> request.get("NETMGR_FIREWALL")).orElse("nftables");
                try (EmbeddedNetmgr netmgr = EmbeddedNetmgr.open(conf.stateDir(request), HostNamespace.of(request), firewall)) {
                    return locked(netmgr.controller(), work);
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
                            + ", but this request names " + wanted,
                            "drop stateDir and NETMGR_STATE_DIR, or set \"daemonSocket\": \"\" to run in-process");
                }
                return locked(controller, work);
            }
        };
    }

    private static <T> T locked(NetworkController controller, Function<NetworkController, T> work) {
        return controller.exclusively(() -> work.apply(controller));
    }
}
