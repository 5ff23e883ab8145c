package io.netmgr.cni;

import io.netmgr.cni.config.HostNamespace;
import io.netmgr.cni.config.NetConf;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.firewall.Firewall;
import io.netmgr.engine.FirewallChoice;
import io.netmgr.nat.Firewalls;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BiFunction;
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

    /**
     * Runs read-only {@code work} (CHECK) with a controller and the host's firewall, outside the
     * controller's lock: taking it, or opening netmgr with its firewall, brings netmgr's rules in
     * line with the store first, which would repair what CHECK is there to report.
     */
    <T> T inspect(NetConf conf, CniRequest request, BiFunction<NetworkController, Optional<Firewall>, T> work);

    /**
     * Whether netmgrd's resolver answers in the sandboxes this access makes, so that a result may
     * name it: only a netmgrd started with its DNS on; an in-process call starts no resolver.
     */
    default boolean resolverAnswers() {
        return false;
    }

    /**
     * Opens netmgr on the configuration's state directory for each call; a cluster-wide network's
     * configuration is refused first ({@link ClusterWideRefusal}).
     */
    static NetmgrAccess perCall() {
        return new NetmgrAccess() {
            @Override
            public <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work) {
                ClusterWideRefusal.check(conf);
                try (EmbeddedNetmgr netmgr = EmbeddedNetmgr.open(conf.stateDir(request), HostNamespace.of(request),
                        firewallOf(conf, request))) {
                    return locked(netmgr.controller(), work);
                }
            }

            @Override
            public <T> T inspect(NetConf conf, CniRequest request, BiFunction<NetworkController, Optional<Firewall>, T> work) {
                ClusterWideRefusal.check(conf);
                Optional<Firewalls.Backend> backend = firewallOf(conf, request).backend();
                // netmgr without its firewall, and the firewall alone beside it: nothing is taken over
                try (EmbeddedNetmgr netmgr = EmbeddedNetmgr.open(conf.stateDir(request), HostNamespace.of(request),
                        FirewallChoice.NONE)) {
                    if (backend.isEmpty()) {
                        return work.apply(netmgr.controller(), Optional.empty());
                    }
                    try (Firewall firewall = Firewalls.open(backend.get(), netmgr.controller().host().namespace())) {
                        return work.apply(netmgr.controller(), Optional.of(firewall));
                    }
                }
            }
        };
    }

    /** The configuration's {@code firewall}, else {@code NETMGR_FIREWALL}, else nftables; an unknown value is refused. */
    private static FirewallChoice firewallOf(NetConf conf, CniRequest request) {
        if (conf.firewall().isPresent()) {
            return firewall("the configuration's \"firewall\"", conf.firewall().get(), CniError.INVALID_NETWORK_CONFIG);
        }
        return request.get("NETMGR_FIREWALL").map(v -> firewall("NETMGR_FIREWALL", v, CniError.INVALID_ENVIRONMENT))
                .orElse(FirewallChoice.NFTABLES);
    }

    private static FirewallChoice firewall(String field, String text, int errorCode) {
        try {
            return FirewallChoice.parse(field, text);
        } catch (IllegalArgumentException e) {
            throw new CniError(errorCode, e.getMessage());
        }
    }

    /**
     * The daemon's controller, for the daemon's state directory only: a configuration naming
     * another one is refused rather than served from the wrong store.
     */
    static NetmgrAccess shared(NetworkController controller, Path stateDir, boolean resolverAnswers) {
        return new NetmgrAccess() {
            @Override
            public boolean resolverAnswers() {
                return resolverAnswers;
            }

            @Override
            public <T> T call(NetConf conf, CniRequest request, Function<NetworkController, T> work) {
                Path wanted = conf.stateDir(request);
                if (!wanted.toAbsolutePath().normalize().equals(stateDir.toAbsolutePath().normalize())) {
                    throw new CniError(CniError.INVALID_NETWORK_CONFIG, "the netmgr daemon serves state directory " + stateDir
                            + ", but this request's is " + wanted + " (" + source(conf, request) + ")",
                            fix(conf, request, stateDir) + ", or set \"daemonSocket\": \"\" to run in-process on " + wanted);
                }
                return locked(controller, work);
            }

            @Override
            public <T> T inspect(NetConf conf, CniRequest request, BiFunction<NetworkController, Optional<Firewall>, T> work) {
                return call(conf, request, c -> work.apply(c, c.firewall()));
            }
        };
    }

    /** Where the request's state directory came from, in the caller's words. */
    private static String source(NetConf conf, CniRequest request) {
        if (conf.stateDir().isPresent()) {
            return "\"stateDir\" of the configuration";
        }
        return request.get("NETMGR_STATE_DIR").isPresent() ? "NETMGR_STATE_DIR" : "the default, as neither \"stateDir\" nor "
                + "NETMGR_STATE_DIR is set";
    }

    /** What to change so the request names the daemon's directory. */
    private static String fix(NetConf conf, CniRequest request, Path daemons) {
        if (conf.stateDir().isEmpty() && request.get("NETMGR_STATE_DIR").isPresent()) {
            return "set NETMGR_STATE_DIR=" + daemons;
        }
        String field = "\"stateDir\": \"" + daemons + "\"";
        return conf.stateDir().isPresent() ? "set " + field + " in the configuration" : "add " + field + " to the configuration";
    }

    private static <T> T locked(NetworkController controller, Function<NetworkController, T> work) {
        return controller.exclusively(() -> work.apply(controller));
    }
}
