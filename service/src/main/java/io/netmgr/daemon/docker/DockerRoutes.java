package io.netmgr.daemon.docker;

import static io.netmgr.daemon.JsonBodies.DOCKER;
import static io.netmgr.daemon.JsonBodies.read;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.daemon.Blocking;
import io.netmgr.daemon.DaemonInfo;
import io.netmgr.daemon.DaemonOperations;
import io.netmgr.daemon.EventStream;
import io.netmgr.daemon.HttpError;
import io.netmgr.daemon.Replies;
import io.netmgr.daemon.Subnets;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The networks subset of the Docker Engine API, so that an unmodified {@code docker} CLI with
 * {@code DOCKER_HOST=unix://<netmgrd socket>} manages netmgr networks: ping, version, network
 * list, inspect, create, remove, connect, disconnect and prune, with dockerd's status codes
 * and messages, and the network events of {@code GET /events}. A netmgr sandbox plays the part
 * of a container.
 */
public final class DockerRoutes {
    /** The API version announced; the docker CLI then speaks this one (it supports 1.24 and up). */
    public static final String API_VERSION = "1.47";
    private static final String MIN_API_VERSION = "1.24";

    private final DaemonOperations ops;
    private final Blocking blocking;
    private final DaemonInfo info;
    private final EventStream events;

    public DockerRoutes(DaemonOperations ops, Blocking blocking, DaemonInfo info, EventStream events) {
        this.ops = ops;
        this.blocking = blocking;
        this.info = info;
        this.events = events;
    }

    /**
     * dockerd's refusal of an API version it does not speak (a path prefix such as
     * {@code /v1.99}), in its words, or empty for one between {@value #MIN_API_VERSION} and
     * {@value #API_VERSION}.
     */
    public static Optional<String> unsupportedVersion(String version) {
        int minor = minor(version);
        if (minor > minor(API_VERSION)) {
            return Optional.of("client version " + version + " is too new. Maximum supported API version is " + API_VERSION);
        }
        if (minor < minor(MIN_API_VERSION)) {
            return Optional.of("client version " + version + " is too old. Minimum supported API version is " + MIN_API_VERSION
                    + ", please upgrade your client to a newer version");
        }
        return Optional.empty();
    }

    private static int minor(String version) {
        return Integer.parseInt(version.substring(version.indexOf('.') + 1));
    }

    public void mount(Router r) {
        r.route(HttpMethod.GET, "/_ping").handler(this::ping);
        r.route(HttpMethod.HEAD, "/_ping").handler(this::ping);
        r.get("/version").handler(ctx -> Replies.json(ctx, 200, version()));
        r.get("/events").handler(this::events);
        r.get("/networks").handler(ctx -> reply(ctx, 200, () -> list(ctx)));
        r.post("/networks/create").handler(ctx -> reply(ctx, 201, () -> create(ctx)));
        r.post("/networks/prune").handler(ctx -> reply(ctx, 200, () -> prune(ctx)));
        r.get("/networks/:ref").handler(ctx -> reply(ctx, 200, () -> inspect(ops.network(ctx.pathParam("ref")))));
        r.delete("/networks/:ref").handler(ctx -> empty(ctx, 204, () -> ops.deleteNetwork(ctx.pathParam("ref"))));
        r.post("/networks/:ref/connect").handler(ctx -> empty(ctx, 200, () -> connect(ctx)));
        r.post("/networks/:ref/disconnect").handler(ctx -> empty(ctx, 200, () -> {
            var body = read(DOCKER, ctx.body().asString(), DockerBodies.Disconnect.class);
            return ops.disconnect(ctx.pathParam("ref"), container(body.container()).id());
        }));
    }

    private void ping(RoutingContext ctx) {
        ctx.response().putHeader("Api-Version", API_VERSION).putHeader("Docker-Experimental", "false")
                .putHeader("Ostype", "linux").putHeader("Cache-Control", "no-cache, no-store, must-revalidate")
                .putHeader("Pragma", "no-cache").putHeader("Content-Type", "text/plain; charset=utf-8")
                .end(ctx.request().method() == HttpMethod.HEAD ? "" : "OK");
    }

    /** {@code GET /events}: the network events, with {@code since}, {@code until} and {@code filters} as dockerd reads them. */
    private void events(RoutingContext ctx) {
        var matches = DockerFilters.parse(ctx.queryParams().get("filters")).forEvents();
        var window = EventStream.Window.of(ctx.queryParams().get("since"), ctx.queryParams().get("until"), Instant.now());
        this.events.serve(ctx, window, "application/json", e -> DockerEvent.of(e).filter(matches).map(DockerEvent::json));
    }

    private Map<String, Object> version() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("Platform", Map.of("Name", "netmgr"));
        v.put("Components", List.of(Map.of("Name", "netmgrd", "Version", info.version(), "Details",
                Map.of("ApiVersion", API_VERSION, "MinAPIVersion", MIN_API_VERSION, "Os", "linux"))));
        v.put("Version", info.version());
        v.put("ApiVersion", API_VERSION);
        v.put("MinAPIVersion", MIN_API_VERSION);
        v.put("GitCommit", "");
        v.put("GoVersion", "java " + Runtime.version().feature());
        v.put("Os", "linux");
        v.put("Arch", System.getProperty("os.arch"));
        v.put("KernelVersion", System.getProperty("os.version"));
        v.put("BuildTime", "");
        return v;
    }

    private List<Object> list(RoutingContext ctx) {
        DockerFilters filters = DockerFilters.parse(ctx.queryParams().get("filters"));
        Map<String, Integer> counts = ops.endpointCounts();
        var matches = filters.forList(n -> counts.getOrDefault(n.name(), 0));
        List<Object> out = new ArrayList<>();
        for (Network n : ops.networks(NetworkFilter.ALL)) {
            if (matches.test(n)) {
                out.add(DockerNetworkView.of(n, List.of(), Map.of())); // dockerd lists without Containers
            }
        }
        return out;
    }

    private Object inspect(Network n) {
        List<Endpoint> endpoints = ops.endpointsOn(n);
        Map<String, Sandbox> sandboxes = new HashMap<>();
        for (Endpoint e : endpoints) {
            if (e.sandboxId() != null) {
                ops.sandboxById(e.sandboxId()).ifPresent(s -> sandboxes.put(s.id(), s));
            }
        }
        return DockerNetworkView.of(n, endpoints, sandboxes);
    }

    private Map<String, String> create(RoutingContext ctx) throws IOException {
        var body = read(DOCKER, ctx.body().asString(), DockerBodies.NetworkCreate.class);
        if (body.name() == null || body.name().isBlank()) {
            throw new IllegalArgumentException("network name is missing: give Name");
        }
        refuseUnsupported(body);
        RequestedScope.check(body.scope(), driver(body), ops.driverScope(driver(body)));
        NetworkConfig config = NetworkConfig.of(body.name(), driver(body))
                .withInternal(body.internal()).withAttachable(body.attachable()).withIpv6(Boolean.TRUE.equals(body.enableIPv6()));
        List<IpamConfig> ipam = new ArrayList<>();
        List<DockerBodies.IpamPool> pools = body.ipam() == null || body.ipam().config() == null ? List.of() : body.ipam().config();
        for (int i = 0; i < pools.size(); i++) {
            DockerBodies.IpamPool p = pools.get(i);
            ipam.add(Subnets.config("IPAM.Config[" + i + "]", p.subnet(), p.ipRange(), p.gateway(), p.auxiliaryAddresses()));
        }
        config = config.withIpam(ipam.toArray(IpamConfig[]::new));
        for (var o : Optional.ofNullable(body.options()).orElse(Map.of()).entrySet()) {
            config = config.withOption(o.getKey(), o.getValue());
        }
        for (var l : Optional.ofNullable(body.labels()).orElse(Map.of()).entrySet()) {
            config = config.withLabel(l.getKey(), l.getValue());
        }
        Network n;
        try {
            n = ops.createNetwork(config);
        } catch (NetmgrException e) {
            if (e.kind() == NetmgrException.Kind.INVALID && e.getMessage().startsWith("unknown network driver")) {
                throw pluginNotFound(config.driver(), e.getMessage()); // dockerd looks for a plugin of that name
            }
            throw e;
        }
        return Map.of("Id", n.id(), "Warning", "");
    }

    /** dockerd's answer for a driver it has neither built in nor as a plugin, with netmgr's reason after it. */
    private static NetmgrException pluginNotFound(String name, String reason) {
        return NetmgrException.notFound("plugin \"" + name + "\" not found (" + reason + ")");
    }

    /** The driver asked for, the default one when none is named (dockerd's rule). */
    private static String driver(DockerBodies.NetworkCreate body) {
        return body.driver() == null || body.driver().isBlank() ? NetworkConfig.DEFAULT_DRIVER : body.driver();
    }

    private static void refuseUnsupported(DockerBodies.NetworkCreate body) {
        if (body.ipam() != null && body.ipam().driver() != null && !body.ipam().driver().isBlank()
                && !body.ipam().driver().equals("default")) {
            throw pluginNotFound(body.ipam().driver(), "netmgr has the default IPAM driver only");
        }
        if (body.ingress() || body.configOnly() || (body.configFrom() != null && body.configFrom().network() != null
                && !body.configFrom().network().isBlank())) {
            throw new IllegalArgumentException("ingress, config-only and config-from networks are not supported by netmgrd");
        }
    }

    private Map<String, List<String>> prune(RoutingContext ctx) {
        var which = DockerFilters.parse(ctx.queryParams().get("filters")).forPrune(Instant.now());
        return Map.of("NetworksDeleted", ops.pruneNetworks(which).stream().map(Network::name).toList());
    }

    private Endpoint connect(RoutingContext ctx) throws IOException {
        var body = read(DOCKER, ctx.body().asString(), DockerBodies.Connect.class);
        Sandbox sandbox = container(body.container());
        EndpointConfig config = EndpointConfig.named(sandbox.name());
        var settings = body.endpointConfig();
        if (settings != null) {
            if (settings.ipamConfig() != null && present(settings.ipamConfig().ipv4Address())) {
                config = config.withIpv4(settings.ipamConfig().ipv4Address());
            }
            if (settings.ipamConfig() != null && present(settings.ipamConfig().ipv6Address())) {
                config = config.withIpv6(settings.ipamConfig().ipv6Address());
            }
            if (present(settings.macAddress())) {
                config = config.withMac(settings.macAddress());
            }
            if (settings.aliases() != null && !settings.aliases().isEmpty()) {
                config = config.withAliases(settings.aliases());
            }
        }
        return ops.connect(ctx.pathParam("ref"), config, sandbox.id());
    }

    /**
     * The sandbox playing the container {@code ref}; an unknown one gets dockerd's 404, looked up
     * before the network as dockerd does.
     */
    private Sandbox container(String ref) {
        if (!present(ref)) {
            throw new IllegalArgumentException("container is missing: give Container (a netmgr sandbox name or id)");
        }
        try {
            return ops.sandbox(ref);
        } catch (NetmgrException e) {
            if (e.kind() == NetmgrException.Kind.NOT_FOUND) {
                throw NetmgrException.notFound("No such container: " + ref);
            }
            throw e;
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }

    private <T> void reply(RoutingContext ctx, int status, Callable<T> work) {
        blocking.call(work).onSuccess(result -> Replies.json(ctx, status, result)).onFailure(e -> fail(ctx, e));
    }

    private <T> void empty(RoutingContext ctx, int status, Callable<T> work) {
        blocking.call(work).onSuccess(x -> ctx.response().setStatusCode(status).end()).onFailure(e -> fail(ctx, e));
    }

    /** dockerd's wording and status where they differ from netmgr's own API. */
    private static void fail(RoutingContext ctx, Throwable e) {
        if (e instanceof IpamException ipam && ipam.reason() == IpamException.Reason.POOL_OVERLAP) {
            // dockerd's words first, for scripts that match them; then which subnet and which network, as everywhere else
            Replies.error(ctx, new HttpError(403, "invalid pool request: Pool overlaps with other one on this address space ("
                    + ipam.getMessage() + ")"));
        } else if (e instanceof NetmgrException n && n.kind() == NetmgrException.Kind.CONFLICT
                && n.getMessage().startsWith("endpoint with name")) {
            Replies.error(ctx, new HttpError(403, n.getMessage())); // dockerd: forbidden, the container is connected
        } else {
            ctx.fail(e);
        }
    }
}
