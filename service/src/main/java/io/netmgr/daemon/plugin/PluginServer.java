package io.netmgr.daemon.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.firewall.FirewallException;
import io.netmgr.core.ipam.IpamDriver;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.store.StoreException;
import io.netmgr.daemon.Blocking;
import io.netmgr.daemon.DaemonOperations;
import io.netmgr.daemon.DaemonServer;
import io.netmgr.daemon.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Docker's plugin protocol (HTTP POST, JSON, on a unix socket dockerd finds in
 * {@code /run/docker/plugins/}): netmgrd answers as the network driver and the IPAM driver
 * {@code netmgr} (the socket's name), on the same controller and state as its own API. Errors
 * are answered as the protocol wants them, {@code {"Err": ...}}, worded for the user of the
 * docker CLI, who reads them after dockerd's "Error response from daemon:".
 */
public final class PluginServer implements AutoCloseable {
    /** The default socket: dockerd looks for plugin sockets in /run/docker/plugins, by file name. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/docker/plugins/netmgr.sock");
    static final String CONTENT_TYPE = "application/vnd.docker.plugins.v1.2+json";
    private static final Logger LOG = LoggerFactory.getLogger(PluginServer.class);

    private final HttpServer server;
    private final Path socket;

    private PluginServer(HttpServer server, Path socket) {
        this.server = server;
        this.socket = socket;
    }

    /** Serves the plugin protocol on {@code socket} (mode 0660; a stale one is replaced, a live one refused). */
    public static PluginServer start(Vertx vertx, Blocking blocking, DaemonOperations ops, NetworkController controller,
                                     IpamDriver ipam, Path socket) {
        DaemonServer.prepareSocketPath(socket);
        StaleEndpoints.remove(controller, ops).forEach(line -> LOG.info("docker plugin: {}", line)); // before dockerd can call
        RemoteIpam remoteIpam = new RemoteIpam(controller, ipam);
        RemoteNetworkDriver driver = new RemoteNetworkDriver(ops, controller, remoteIpam);
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(JsonBodies.MAX_BYTES));
        Routes routes = new Routes(router, blocking);
        routes.add("Plugin.Activate", Object.class, x -> Map.of("Implements", List.of("NetworkDriver", "IpamDriver")));
        routes.add("NetworkDriver.GetCapabilities", Object.class, x -> driver.capabilities());
        routes.add("NetworkDriver.CreateNetwork", PluginRequests.CreateNetwork.class, driver::createNetwork);
        routes.add("NetworkDriver.DeleteNetwork", PluginRequests.NetworkRef.class, driver::deleteNetwork);
        routes.add("NetworkDriver.AllocateNetwork", Object.class, x -> Map.of()); // swarm only
        routes.add("NetworkDriver.FreeNetwork", Object.class, x -> Map.of());
        routes.add("NetworkDriver.CreateEndpoint", PluginRequests.CreateEndpoint.class, driver::createEndpoint);
        routes.add("NetworkDriver.EndpointOperInfo", PluginRequests.EndpointRef.class, driver::endpointOperInfo);
        routes.add("NetworkDriver.DeleteEndpoint", PluginRequests.EndpointRef.class, driver::deleteEndpoint);
        routes.add("NetworkDriver.Join", PluginRequests.Join.class, driver::join);
        routes.add("NetworkDriver.Leave", PluginRequests.EndpointRef.class, driver::leave);
        routes.add("NetworkDriver.ProgramExternalConnectivity", PluginRequests.EndpointRef.class, driver::programExternalConnectivity);
        routes.add("NetworkDriver.RevokeExternalConnectivity", PluginRequests.EndpointRef.class, driver::revokeExternalConnectivity);
        // local scope: netmgr learns nothing from dockerd's discovery events
        routes.add("NetworkDriver.DiscoverNew", Object.class, x -> Map.of());
        routes.add("NetworkDriver.DiscoverDelete", Object.class, x -> Map.of());
        routes.add("IpamDriver.GetCapabilities", Object.class, x -> remoteIpam.capabilities());
        routes.add("IpamDriver.GetDefaultAddressSpaces", Object.class, x -> remoteIpam.defaultAddressSpaces());
        routes.add("IpamDriver.RequestPool", PluginRequests.RequestPool.class, remoteIpam::requestPool);
        routes.add("IpamDriver.ReleasePool", PluginRequests.ReleasePool.class, remoteIpam::releasePool);
        routes.add("IpamDriver.RequestAddress", PluginRequests.RequestAddress.class, remoteIpam::requestAddress);
        routes.add("IpamDriver.ReleaseAddress", PluginRequests.ReleaseAddress.class, remoteIpam::releaseAddress);
        router.route().handler(ctx -> answer(ctx, 404, Map.of("Err", "netmgr does not serve " + ctx.request().path()
                + " of Docker's plugin protocol: it implements NetworkDriver and IpamDriver")));
        HttpServer server = vertx.createHttpServer().requestHandler(router)
                .listen(SocketAddress.domainSocketAddress(socket.toString())).await();
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        } catch (IOException e) {
            server.close();
            throw new java.io.UncheckedIOException("cannot set the mode of " + socket, e);
        }
        return new PluginServer(server, socket);
    }

    public Path socket() {
        return socket;
    }

    /** A handler of one call: the request body read as {@code R}, the answer a map written as JSON. */
    private interface Call<R> {
        Map<String, Object> apply(R request) throws Exception;
    }

    /** Mounts calls at {@code POST /<Interface>.<Method>}, each run on the controller's worker threads. */
    private record Routes(Router router, Blocking blocking) {
        <R> void add(String method, Class<R> type, Call<R> call) {
            router.post("/" + method).handler(ctx -> {
                String body = ctx.body().asString();
                Callable<Map<String, Object>> work = () -> call.apply(body == null || body.isBlank() || type == Object.class ? null
                        : JsonBodies.read(JsonBodies.DOCKER, body, type));
                // written on the worker, so an answer that cannot be written fails like the call (it hung the caller when
                // written in the success handler)
                blocking.call(() -> JsonBodies.write(work.call())).onSuccess(json -> answer(ctx, 200, json))
                        .onFailure(e -> fail(ctx, method, e));
            });
        }
    }

    private static void answer(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body instanceof String json ? json
                : JsonBodies.write(body));
    }

    /**
     * The caller's mistakes (bad input, a conflict, a port taken) are answered 400 with netmgr's
     * message; anything else is ours, logged, and answered 500. dockerd shows Err as it is.
     */
    private static void fail(RoutingContext ctx, String method, Throwable e) {
        boolean callers = e instanceof NetmgrException || e instanceof IpamException || e instanceof IllegalArgumentException
                || (e instanceof FirewallException f && f.reason() != FirewallException.Reason.BACKEND_FAILED)
                || e instanceof JsonProcessingException;
        String message = e instanceof JsonProcessingException j ? "malformed " + method + " request: " + JsonBodies.describe(j)
                : e instanceof StoreException.ReadOnly ? e.getMessage()
                : callers && e.getMessage() != null ? e.getMessage()
                : "internal error (" + (e.getMessage() == null ? "see netmgrd's log" : e.getMessage()) + ")";
        if (!callers) {
            LOG.error("docker plugin call {} failed", method, e);
        }
        answer(ctx, callers ? 400 : 500, Map.of("Err", "netmgr: " + message.replace("\n", " ")));
    }

    @Override
    public void close() {
        try {
            server.close().await();
        } finally {
            DaemonServer.removeSocket(socket);
        }
    }
}
