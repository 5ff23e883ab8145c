package io.netmgr.daemon;

import io.netmgr.core.cluster.ClusterHost;
import io.netmgr.core.cluster.HostInfo;
import io.vertx.ext.web.handler.HttpException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The cluster as the API shows it: {@code GET /v1/nodes} and the {@code cluster} part of {@code /v1/info}. */
public final class ClusterView {
    static final String NOT_CLUSTERED = "this host is not in a cluster: start netmgrd with --cluster-store etcd://HOST:PORT "
            + "--advertise-addr IP (or clusterStore and advertiseAddr in netmgrd.json)";

    private final Optional<DaemonCluster> cluster;

    ClusterView(Optional<DaemonCluster> cluster) {
        this.cluster = cluster;
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
     * Forgets a host that is down ({@code netmgr node rm}): its membership and endpoints' records.
     *
     * @throws HttpException 503 when this host is in no cluster; the registry's refusal (409) for a live host
     */
    public HostInfo remove(String ref) {
        return cluster.orElseThrow(() -> new HttpException(503, NOT_CLUSTERED)).registry().remove(ref);
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
