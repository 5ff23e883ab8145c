package io.netmgr.core.service;

import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.StoredJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * This host's backends of global services, remembered in its own store
 * ({@code /netmgr/held-backends/SVCID/EPID}) beside their keys in the cluster store, which live
 * under the host's lease. When the lease is lost (the host cut off, or its daemon down, for
 * longer than the TTL) those keys go, as they must: no other host may send traffic to a host it
 * cannot see. A host that comes back claims them again under its new lease, as it claims its
 * endpoints ({@code EndpointClaims}): each backend whose service still exists and whose
 * endpoint is still this host's. Those whose service or endpoint went are forgotten.
 */
public final class BackendClaims {
    static final String HELD = "/netmgr/held-backends/";

    private final ServiceScope scope;

    public BackendClaims(ServiceScope scope) {
        this.scope = scope;
    }

    private static String key(ServiceBackend b) {
        return HELD + b.serviceId() + "/" + b.endpointId();
    }

    /** Remembers backends {@code added} of global service {@code s}, once their cluster keys are committed. */
    void held(Service s, List<ServiceBackend> added) {
        if (scope.store().isGlobal(s) && !added.isEmpty()) {
            var txn = scope.store().store().txn();
            added.forEach(b -> txn.put(key(b), StoredJson.encode(b)));
            txn.commit();
        }
    }

    /** Forgets backends {@code gone} of global service {@code s} (this host's; others' are their hosts'). */
    void released(Service s, List<ServiceBackend> gone) {
        List<ServiceBackend> mine = gone.stream().filter(scope::isLocal).toList();
        if (scope.store().isGlobal(s) && !mine.isEmpty()) {
            var txn = scope.store().store().txn();
            mine.forEach(b -> txn.delete(key(b)));
            txn.commit();
        }
    }

    /** Claims every remembered backend again under the current lease; returns one line per backend claimed or forgotten. */
    public List<String> claimAgain() {
        List<String> done = new ArrayList<>();
        for (KeyValue kv : scope.store().store().range(HELD)) {
            ServiceBackend b = StoredJson.decode(kv, ServiceBackend.class);
            Optional<Service> service = scope.store().byId(b.serviceId());
            boolean endpointHere = scope.localEndpoint().apply(b.endpointId()).isPresent();
            if (service.isEmpty() || !endpointHere) {
                scope.store().store().txn().delete(kv.key()).commit();
                done.add("forgot backend " + b.sandboxName() + " of service " + b.serviceId() + ": its "
                        + (service.isEmpty() ? "service" : "endpoint") + " is gone");
                continue;
            }
            var txn = scope.store().store().txn().ifPresent(scope.store().keyOf(service.get()));
            if (scope.store().addBackend(txn, service.get(), b, scope.leaseFor().apply(b.networkId())).commit().succeeded()) {
                done.add("claimed backend " + b.sandboxName() + " of service " + service.get().name() + " again");
            }
        }
        return done;
    }
}
