package io.netmgr.daemon;

import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.daemon.api.v1.ServiceTaskRoutes;
import io.netmgr.daemon.api.v1.ServiceRoutes;
import io.netmgr.daemon.api.v1.V1Routes;
import io.netmgr.daemon.task.ServiceTasks;
import io.netmgr.daemon.docker.DockerRoutes;
import io.netmgr.daemon.plugin.PluginServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of netmgrd: one Vert.x server on a unix socket serving netmgr's own API
 * ({@code /v1/...}), Docker's networks API (also under {@code /v1.NN/...}), the CNI plugin's
 * fast path ({@code POST /v1/cni}), {@code /metrics} and {@code /health}. Handlers stay on the event loop only to parse and answer; every
 * controller call goes to {@link Blocking}.
 */
public final class DaemonServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DaemonServer.class);
    // Docker clients prefix every path with the API version they negotiated: /v1.47/networks
    private static final Pattern DOCKER_VERSION = Pattern.compile("^/v(1\\.[0-9]{1,6})(/.*)$");
    private static final int CONTROLLER_THREADS = 8;
    private static final int S_IFMT = 0170000; // stat(2)'s file type bits
    private static final int S_IFSOCK = 0140000;

    private final Vertx vertx;
    private final Blocking blocking;
    private final HttpServer server;
    private final Optional<HttpServer> tcpServer;
    private final Optional<PluginServer> plugin;
    private final Path socket;
    private final ServiceTasks tasks;

    private DaemonServer(Vertx vertx, Blocking blocking, HttpServer server, Optional<HttpServer> tcpServer,
                         Optional<PluginServer> plugin, Path socket, ServiceTasks tasks) {
        this.vertx = vertx;
        this.tasks = tasks;
        this.blocking = blocking;
        this.server = server;
        this.tcpServer = tcpServer;
        this.plugin = plugin;
        this.socket = socket;
    }

    /** Serves {@code engine} on {@code socket} (mode 0660); refuses when another daemon answers there. */
    public static DaemonServer start(DaemonEngine engine, Path socket, DaemonInfo info) {
        return start(engine, socket, Optional.empty(), info);
    }

    /** As above, and on {@code tcp} too when given. */
    public static DaemonServer start(DaemonEngine engine, Path socket, Optional<TcpListener> tcp, DaemonInfo info) {
        return start(newVertx(), new OperationMetrics(), engine, socket, tcp, Optional.empty(), false, info);
    }

    /**
     * The daemon's Vert.x. It serves no files, so it resolves none from the class path and keeps
     * no file cache: that cache is a vertx-cache-* directory in the temp directory, made on every
     * start and left there when the process is killed.
     */
    static Vertx newVertx() {
        return Vertx.vertx(new VertxOptions().setFileSystemOptions(
                new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
    }

    /**
     * As above, on a {@code vertx} and {@code metrics} made beforehand (netmgrd makes them while
     * the controller opens, to start sooner), and with {@code dockerPlugin} Docker's plugin
     * protocol on that socket too. Closes {@code vertx} when it fails.
     */
    public static DaemonServer start(Vertx vertx, OperationMetrics metrics, DaemonEngine engine, Path socket,
                                     Optional<TcpListener> tcp, Optional<Path> dockerPlugin, boolean sandboxDns, DaemonInfo info) {
        ServiceTasks tasks = null;
        try {
            prepareSocketPath(socket);
            dockerPlugin.ifPresent(DaemonServer::prepareSocketPath); // a plugin socket taken: refuse before serving anything
            Blocking blocking = new Blocking(vertx, CONTROLLER_THREADS);
            Events events = new Events();
            DaemonOperations ops = new DaemonOperations(engine.controller(), events, metrics);
            tasks = ServiceTasks.start(ops, engine.services(), engine.store(), Path.of(info.stateDir()), sandboxDns, engine.cluster());
            Router router = router(vertx, blocking, ops, events, metrics, info, engine::problem,
                    new SystemDoctor(engine.hostNamespace(), engine::freeDefaultIpv4Pools),
                    new CniRoute(engine, Path.of(info.stateDir()), socket, blocking, metrics, sandboxDns),
                    new ClusterView(engine.cluster(), engine.controller()::releaseGrantsOfForgottenHost), new ServiceRoutes(engine.services(), tasks, blocking, events));
            new ServiceTaskRoutes(tasks, blocking).mount(router);
            HttpServer server = vertx.createHttpServer().requestHandler(router).invalidRequestHandler(Replies::invalidRequest)
                    .listen(SocketAddress.domainSocketAddress(socket.toString())).await();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            Optional<HttpServer> tcpServer = tcp.isEmpty() ? Optional.empty()
                    : Optional.of(vertx.createHttpServer(tcp.get().options()).requestHandler(router)
                            .invalidRequestHandler(Replies::invalidRequest).listen().await());
            Optional<PluginServer> plugin = dockerPlugin.map(path -> PluginServer.start(vertx, blocking, ops, engine.controller(),
                    engine.ipam(), path));
            return new DaemonServer(vertx, blocking, server, tcpServer, plugin, socket, tasks);
        } catch (IOException e) {
            closeQuietly(tasks);
            vertx.close();
            throw new UncheckedIOException("cannot set the mode of " + socket, e);
        } catch (RuntimeException e) {
            closeQuietly(tasks);
            vertx.close();
            throw e;
        }
    }

    private static void closeQuietly(ServiceTasks tasks) {
        if (tasks != null) {
            tasks.close();
        }
    }

    static Router router(Vertx vertx, Blocking blocking, DaemonOperations ops, Events events, OperationMetrics metrics,
                         DaemonInfo info, Supplier<Optional<String>> health, SystemDoctor doctor, CniRoute cni,
                         ClusterView cluster, ServiceRoutes services) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            Matcher m = DOCKER_VERSION.matcher(ctx.normalizedPath());
            if (m.matches()) {
                Optional<String> unsupported = DockerRoutes.unsupportedVersion(m.group(1));
                if (unsupported.isPresent()) {
                    Replies.error(ctx, new HttpError(400, unsupported.get()));
                    return;
                }
                String query = ctx.request().query();
                ctx.reroute(m.group(2) + (query == null ? "" : "?" + query));
            } else {
                ctx.next();
            }
        });
        router.route().handler(DaemonServer::refuseNonJsonBody);
        router.route().handler(BodyHandler.create(false).setBodyLimit(JsonBodies.MAX_BYTES));
        router.get("/health").handler(ctx -> blocking.call(() -> {
            ops.networks(NetworkFilter.ALL); // the store answers
            return health.get();
        }).onSuccess(problem -> Replies.json(ctx, problem.isEmpty() ? 200 : 503, problem.isEmpty() ? Map.of("status", "ok")
                : Map.of("status", "degraded", "message", problem.get()))).onFailure(ctx::fail));
        router.get("/metrics").handler(ctx -> blocking.call(() -> metrics.scrape(ops.endpointCounts()))
                .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                .onFailure(ctx::fail));
        EventStream eventStream = new EventStream(events);
        router.get("/v1/events").handler(eventStream::handle);
        new V1Routes(ops, blocking, info, doctor, cluster).mount(router);
        services.mount(router);
        new DockerRoutes(ops, blocking, info, eventStream).mount(router);
        cni.mount(router);
        router.route().failureHandler(Replies::failure);
        for (int status : new int[] {404, 405}) {
            router.errorHandler(status, ctx -> Replies.error(ctx, HttpError.ofStatus(status)));
        }
        return router;
    }

    /**
     * dockerd's rule: a body comes as JSON, said by Content-Type application/json or by no
     * Content-Type at all (a request without a body may say what it likes). Anything else (curl -d's form type) is refused before a form decoder
     * would read it.
     */
    private static void refuseNonJsonBody(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        String length = ctx.request().getHeader("Content-Length");
        boolean body = ctx.request().getHeader("Transfer-Encoding") != null || (length != null && !length.strip().equals("0"));
        if (body && !media.isEmpty() && !media.equals("application/json")) {
            Replies.error(ctx, new HttpError(400, "unsupported Content-Type header (" + type + "): send the body as JSON with "
                    + "Content-Type: application/json"));
            return;
        }
        ctx.next();
    }

    /**
     * Makes the socket's directory; removes a socket file nobody answers on (a daemon that died);
     * refuses when a daemon answers there, and when the path is anything but a socket (a file
     * given by mistake is never deleted). netmgrd calls it first, before touching any state.
     */
    public static void prepareSocketPath(Path socket) {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                int type = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
                if (type != S_IFSOCK) {
                    throw new IllegalArgumentException("--socket " + socket + " exists and is not a socket (" + fileKind(type)
                            + "): netmgrd only replaces a socket a stopped daemon left; give --socket another path");
                }
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    throw new IllegalStateException("another netmgrd is listening on " + socket
                            + "; stop it first or give --socket another path");
                } catch (IOException refused) {
                    Files.delete(socket);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare socket " + socket + ": " + e.getMessage(), e);
        }
    }

    private static String fileKind(int type) {
        return switch (type) {
            case 0100000 -> "a regular file";
            case 0040000 -> "a directory";
            case 0120000 -> "a symbolic link";
            default -> "a special file";
        };
    }

    public Path socket() {
        return socket;
    }

    /** The socket of Docker's plugin protocol, when served. */
    public Optional<Path> dockerPluginSocket() {
        return plugin.map(PluginServer::socket);
    }

    @Override
    public void close() {
        try {
            plugin.ifPresent(PluginServer::close); // first: no new call of dockerd starts while the workers stop
            tasks.close(); // the tasks keep running: the next netmgrd adopts them
            server.close().await();
            tcpServer.ifPresent(t -> t.close().await());
            blocking.close();
            vertx.close().await();
        } finally {
            removeSocket(socket);
        }
    }

    /** Removes a socket file this daemon served on, when it stops; a failure is only logged. */
    public static void removeSocket(Path socket) {
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove socket {}: {}", socket, e.getMessage());
        }
    }
}
