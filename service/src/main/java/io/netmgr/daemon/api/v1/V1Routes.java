package io.netmgr.daemon.api.v1;

import static io.netmgr.daemon.JsonBodies.STRICT;
import static io.netmgr.daemon.JsonBodies.read;

import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.endpoint.Bandwidth;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.endpoint.EndpointRoute;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.endpoint.TrafficLimit;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.daemon.Blocking;
import io.netmgr.daemon.ClusterView;
import io.netmgr.daemon.DaemonInfo;
import io.netmgr.daemon.DaemonOperations;
import io.netmgr.daemon.JsonBodies;
import io.netmgr.daemon.Replies;
import io.netmgr.daemon.Subnets;
import io.netmgr.daemon.SystemDoctor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * netmgr's own REST API under {@code /v1}: networks, sandboxes, endpoints (create, join, leave,
 * delete), system info and doctor, and the OpenAPI document describing it all.
 */
public final class V1Routes {
    private final DaemonOperations ops;
    private final Blocking blocking;
    private final DaemonInfo info;
    private final SystemDoctor doctor;
    private final ClusterView cluster;
    private final String openApi = loadOpenApi();

    public V1Routes(DaemonOperations ops, Blocking blocking, DaemonInfo info, SystemDoctor doctor, ClusterView cluster) {
        this.cluster = cluster;
        this.ops = ops;
        this.blocking = blocking;
        this.info = info;
        this.doctor = doctor;
    }

    public void mount(Router r) {
        r.get("/v1/openapi.json").handler(ctx -> Replies.json(ctx, 200, openApi));
        r.get("/v1/info").handler(ctx -> blocking.reply(ctx, 200, this::info));
        r.get("/v1/nodes").handler(ctx -> blocking.reply(ctx, 200, cluster::nodes));
        r.delete("/v1/nodes/:ref").handler(ctx -> blocking.reply(ctx, 200, () -> cluster.remove(ctx.pathParam("ref"))));
        r.get("/v1/system/doctor").handler(ctx -> blocking.reply(ctx, 200, () -> Map.of("checks", doctor.run())));

        r.get("/v1/networks").handler(ctx -> blocking.reply(ctx, 200, () -> ops.networks(filter(ctx))));
        r.post("/v1/networks").handler(ctx -> blocking.reply(ctx, 201, () -> ops.createNetwork(networkConfig(ctx))));
        r.post("/v1/networks/prune").handler(ctx -> blocking.reply(ctx, 200, () -> {
            noFields(ctx);
            return Map.of("removed", ops.pruneNetworks(n -> true).stream().map(Network::name).toList());
        }));
        r.get("/v1/networks/:ref").handler(ctx -> blocking.reply(ctx, 200, () -> ops.network(ctx.pathParam("ref"))));
        r.delete("/v1/networks/:ref").handler(ctx -> noContent(ctx, () -> ops.deleteNetwork(ctx.pathParam("ref"))));

        r.get("/v1/sandboxes").handler(ctx -> blocking.reply(ctx, 200, ops::sandboxes));
        r.post("/v1/sandboxes").handler(ctx -> blocking.reply(ctx, 201, () -> {
            var body = read(STRICT, ctx.body().asString(), V1Bodies.CreateSandbox.class);
            return ops.createSandbox(body.name(), Optional.ofNullable(body.namespacePath()).map(Path::of));
        }));
        r.get("/v1/sandboxes/:ref").handler(ctx -> blocking.reply(ctx, 200, () -> ops.sandbox(ctx.pathParam("ref"))));
        r.delete("/v1/sandboxes/:ref").handler(ctx -> noContent(ctx, () -> ops.deleteSandbox(ctx.pathParam("ref"))));

        r.get("/v1/endpoints").handler(ctx -> blocking.reply(ctx, 200, () -> endpoints(ctx)));
        r.post("/v1/endpoints").handler(ctx -> blocking.reply(ctx, 201, () -> createEndpoint(ctx)));
        r.get("/v1/endpoints/:ref").handler(ctx -> blocking.reply(ctx, 200, () -> ops.endpoint(ctx.pathParam("ref"))));
        r.post("/v1/endpoints/:ref/join").handler(ctx -> blocking.reply(ctx, 200, () -> ops.join(ctx.pathParam("ref"),
                required("sandbox", read(STRICT, ctx.body().asString(), V1Bodies.Join.class).sandbox()))));
        r.post("/v1/endpoints/:ref/leave").handler(ctx -> blocking.reply(ctx, 200, () -> {
            noFields(ctx);
            return ops.leave(ctx.pathParam("ref"));
        }));
        r.delete("/v1/endpoints/:ref").handler(ctx -> noContent(ctx, () -> ops.deleteEndpoint(ctx.pathParam("ref"))));
    }

    private void noContent(RoutingContext ctx, java.util.concurrent.Callable<?> work) {
        blocking.call(work).onSuccess(x -> Replies.noContent(ctx)).onFailure(ctx::fail);
    }

    private Map<String, Object> info() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", info.version());
        m.put("pid", info.pid());
        m.put("socket", info.socket());
        m.put("stateDir", info.stateDir());
        m.put("hostNamespace", info.hostNamespace());
        m.put("startedAt", info.startedAt());
        m.put("uptimeSeconds", Duration.between(Instant.parse(info.startedAt()), Instant.now()).toSeconds());
        m.put("networks", ops.networks(NetworkFilter.ALL).size());
        m.put("sandboxes", ops.sandboxes().size());
        m.put("endpoints", ops.endpoints().size());
        m.put("cluster", cluster.summary());
        return m;
    }

    private static NetworkFilter filter(RoutingContext ctx) {
        NetworkFilter f = NetworkFilter.ALL;
        for (Map.Entry<String, String> q : ctx.queryParams()) {
            f = switch (q.getKey()) {
                case "name" -> f.withName(q.getValue());
                case "id" -> f.withIdPrefix(q.getValue());
                case "driver" -> f.withDriver(q.getValue());
                case "label" -> f.withLabel(q.getValue());
                default -> throw new IllegalArgumentException("unknown network filter \"" + q.getKey()
                        + "\"; use name, id, driver or label");
            };
        }
        return f;
    }

    private static NetworkConfig networkConfig(RoutingContext ctx) throws IOException {
        var body = read(STRICT, ctx.body().asString(), V1Bodies.CreateNetwork.class);
        NetworkConfig config = NetworkConfig.of(required("name", body.name()), body.driver() == null ? NetworkConfig.DEFAULT_DRIVER : body.driver())
                .withInternal(body.internal()).withIpv6(body.ipv6());
        List<IpamConfig> ipam = new ArrayList<>();
        List<V1Bodies.Subnet> subnets = body.subnets() == null ? List.of() : body.subnets();
        for (int i = 0; i < subnets.size(); i++) {
            V1Bodies.Subnet s = subnets.get(i);
            ipam.add(Subnets.config("subnets[" + i + "]", s.subnet(), s.ipRange(), s.gateway(), s.auxAddresses()));
        }
        config = config.withIpam(ipam.toArray(IpamConfig[]::new));
        for (var o : orEmpty(body.options()).entrySet()) {
            config = config.withOption(o.getKey(), o.getValue());
        }
        for (var l : orEmpty(body.labels()).entrySet()) {
            config = config.withLabel(l.getKey(), l.getValue());
        }
        return config;
    }

    private List<Endpoint> endpoints(RoutingContext ctx) {
        String network = ctx.queryParams().get("network");
        String sandbox = ctx.queryParams().get("sandbox");
        String networkId = network == null ? null : ops.network(network).id();
        String sandboxId = sandbox == null ? null : ops.sandbox(sandbox).id();
        return ops.endpoints().stream()
                .filter(e -> networkId == null || e.networkId().equals(networkId))
                .filter(e -> sandboxId == null || sandboxId.equals(e.sandboxId()))
                .toList();
    }

    private Endpoint createEndpoint(RoutingContext ctx) throws IOException {
        var body = read(STRICT, ctx.body().asString(), V1Bodies.CreateEndpoint.class);
        EndpointConfig config = EndpointConfig.named(required("name", body.name()));
        if (body.ipv4() != null) {
            config = config.withIpv4(body.ipv4());
        }
        if (body.ipv6() != null) {
            config = config.withIpv6(body.ipv6());
        }
        if (body.mac() != null) {
            config = config.withMac(body.mac());
        }
        if (body.interfaceName() != null) {
            config = config.withInterfaceName(body.interfaceName());
        }
        if (body.aliases() != null && !body.aliases().isEmpty()) {
            config = config.withAliases(body.aliases());
        }
        if (body.ports() != null && !body.ports().isEmpty()) {
            config = config.withPorts(PortBinding.parseAll(body.ports()));
        }
        if (body.routes() != null && !body.routes().isEmpty()) {
            config = config.withRoutes(body.routes().stream().map(EndpointRoute::parse).toList());
        }
        if (body.bandwidth() != null) {
            V1Bodies.Bandwidth b = body.bandwidth();
            config = config.withBandwidth(Bandwidth.of(
                    TrafficLimit.of("bandwidth.ingressRate", b.ingressRate(), "bandwidth.ingressBurst", b.ingressBurst()),
                    TrafficLimit.of("bandwidth.egressRate", b.egressRate(), "bandwidth.egressBurst", b.egressBurst())));
        }
        return ops.createEndpoint(required("network", body.network()), config, Optional.ofNullable(body.sandbox()));
    }

    /** A body that is there must be {@code {}}: a malformed or misaddressed one is refused before anything acts. */
    private static void noFields(RoutingContext ctx) throws IOException {
        String body = ctx.body().asString();
        if (body != null && !body.isBlank()) {
            read(STRICT, body, V1Bodies.NoFields.class);
        }
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("field \"" + field + "\" is missing from the request body");
        }
        return value;
    }

    private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static String loadOpenApi() {
        try (InputStream in = V1Routes.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json missing from the jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            JsonBodies.STRICT.readTree(text); // a broken document fails at start, not at the first request
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
