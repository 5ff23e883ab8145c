package io.netmgr.cni.config;

import io.netmgr.cni.CniRequest;
import java.util.Optional;

/**
 * The service a container joins as a backend on ADD: the configuration's {@code args.cni.service},
 * else {@code NETMGR_SERVICE} of {@code CNI_ARGS} (the configuration wins, as for addresses).
 * DEL takes the container out of every service it backs, whatever it says.
 */
public final class ServiceMembership {
    private ServiceMembership() {
    }

    public static Optional<String> of(NetConf conf, CniRequest request) {
        return conf.args().service().or(() -> CniArgs.parse(request.args()).service());
    }
}
