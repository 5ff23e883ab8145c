package io.netmgr.core.service;

import io.netmgr.core.firewall.ServiceRules;
import java.util.List;
import java.util.function.Predicate;

/** Derives a service's firewall rules from what is stored of it: the one translation, for every caller. */
public final class ServiceRulesOf {
    private ServiceRulesOf() {
    }

    /**
     * The rules of {@code service} with those of {@code backends} that {@code joined} accepts (a
     * backend whose container has left takes no traffic); {@code thisHost} tells local backends
     * from the others.
     */
    public static ServiceRules of(Service service, List<ServiceBackend> backends, Predicate<ServiceBackend> joined, String thisHost) {
        return new ServiceRules(service.id(), service.name(),
                service.vips().stream().map(v -> new ServiceRules.Vip(v.networkId(), v.address().address())).toList(),
                service.ports(),
                backends.stream().filter(joined)
                        .map(b -> new ServiceRules.Backend(b.networkId(), b.endpointId(), b.sandboxId(), b.address().address(),
                                b.host().equals(thisHost)))
                        .toList());
    }

    /** The rules of {@code service} as stored now, on the host {@code scope} describes. */
    public static ServiceRules of(Service service, ServiceScope scope) {
        List<ServiceBackend> backends = scope.store().backends(service);
        return of(service, backends, scope.joinedAll(backends), scope.thisHost());
    }
}
