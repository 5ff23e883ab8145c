package io.netmgr.daemon;

import io.netmgr.core.cluster.ClusterHost;
import io.netmgr.core.cluster.HostInfo;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** The cluster as the API shows it: {@code GET /v1/nodes} and the {@code cluster} part of {@code /v1/info}. */
public final class ClusterView {
    static final String NOT_CLUSTERED = "this host is not in a cluster: start netmgrd with --cluster-store etcd://HOST:PORT "
            + "--advertise-addr IP (or clusterStore and advertiseAddr in netmgrd.json)";

    private final Optional<DaemonCluster> cluster;
    private final Function<String, List<String>> releaseGrantsOf;

    /** {@code releaseGrantsOf}: gives back what a forgotten host's unfinished creations were granted, one line each. */
    ClusterView(Optional<DaemonCluster> cluster, Function<String, List<String>> releaseGrantsOf) {
        this.cluster = cluster;
        this.releaseGrantsOf = releaseGrantsOf;
    }

    /**
     * Every host that joined, alive or down, this one marked {@code self}.
     *
     * @throws HttpException 503 when this host is in no cluster
     */
    public List<Map<String, Object>> nodes() {
        DaemonCluster c = cluster.orElseThrow(() -> new HttpException(503, NOT_CLUSTERED));
        return c.registry().hosts().stream().map(ClusterView::node).toList();
    }

    /**
     * Forgets a host that is down ({@code netmgr node rm}): its membership and endpoints' records,
     * then gives back what its unfinished creations were granted (it will not start again to do
     * it). Answers the host and what was released.
     *
     * @throws HttpException 503 when this host is in no cluster; the registry's refusal (409) for a live host
     */
    public Map<String, Object> remove(String ref) {
        HostInfo gone = cluster.orElseThrow(() -> new HttpException(503, NOT_CLUSTERED)).registry().remove(ref);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", gone.hostId());
        m.put("hostname", gone.hostname());
        m.put("advertiseAddress", gone.advertiseAddress());
        m.put("released", releaseGrantsOf.apply(gone.hostId()));
        return m;
    }

    private static Map<String, Object> node(ClusterHost host) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", host.info().hostId());
        m.put("hostname", host.info().hostname());
        m.put("advertiseAddress", host.info().advertiseAddress());
        m.put("status", host.alive() ? "alive" : "down");
        m.put("self", host.self());
        m.put("startedAt", host.info().startedAt());
        m.put("version", host.info().version());
        return m;
    }

    /** What {@code system info} says of the cluster: {@code null} (JSON null) without one. */
    public Map<String, Object> summary() {
        if (cluster.isEmpty()) {
            return null;
        }
        DaemonCluster c = cluster.get();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("store", c.endpoints().toString());
        m.put("hostId", c.registry().hostId());
        m.put("advertiseAddress", c.registry().self().advertiseAddress());
        m.put("leaseTtlSeconds", c.registry().lease().ttl().toSeconds());
        return m;
    }
}
