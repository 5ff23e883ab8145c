package io.netmgr.daemon;

import io.netmgr.core.store.Store;
import io.netmgr.dns.ContainerDns;
import io.netmgr.dns.DnsConfig;
import io.netmgr.dns.HostResolvConf;
import io.netmgr.netlink.ns.NetNs;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

/** {@code netmgrd}: the netmgr daemon, serving its REST API and Docker's networks API on a unix socket. */
public final class Netmgrd {
    private final NetmgrdOptions options;

    private Netmgrd(NetmgrdOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        // before the first logger exists: one line per message, with time, on stderr
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // the firewall module logs through java.util.logging: same one-line shape
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s - %5$s%6$s%n");
        NetmgrdOptions options;
        try {
            options = NetmgrdOptions.parse(args);
        } catch (NetmgrdOptions.UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(NetmgrdOptions.USAGE);
            System.exit(2);
            return;
        }
        switch (options.action()) {
            case HELP -> System.out.print(NetmgrdOptions.USAGE);
            case VERSION -> System.out.println("netmgrd " + DaemonInfo.buildVersion());
            case SERVE -> System.exit(new Netmgrd(options).runUntilStopped());
        }
    }

    /** Serves until SIGTERM or SIGINT; the exit code: 0, 2 for a bad setting, 1 for any other failure. */
    private int runUntilStopped() {
        try {
            serve();
            return 0;
        } catch (Exception e) {
            System.err.println("netmgrd: " + e.getMessage());
            if (System.getenv("NETMGR_DEBUG") != null) {
                e.printStackTrace();
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        }
    }

    private void serve() throws InterruptedException {
        long t0 = System.nanoTime();
        var log = org.slf4j.LoggerFactory.getLogger(Netmgrd.class);
        Optional<TcpListener> tcpListener = options.tcp().map(tcp -> TcpListener.parse(tcp, options.tlsCert().orElse(null),
                options.tlsKey().orElse(null), options.tlsCa().orElse(null), options.plainTcpAccepted())); // refused before any state is touched
        if (options.tcp().isEmpty() && (options.tlsCert().isPresent() || options.tlsKey().isPresent() || options.tlsCa().isPresent())) {
            throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca secure --tcp: give --tcp HOST:PORT too");
        }
        DaemonConfig config = DaemonConfig.load(options.configFile().orElse(DaemonConfig.DEFAULT_FILE), options.configFile().isPresent(),
                options.socket(), options.stateDir(), options.dockerPlugin(), options.cluster());
        Optional<DnsConfig> dnsConfig = options.dns() ? Optional.of(dnsConfig()) : Optional.empty(); // refused before any state is touched
        SandboxMounts.checkVisibleToHost(NetNs.DEFAULT_RUN_DIR);
        DaemonServer.prepareSocketPath(config.socket()); // a daemon already serving there: refuse before touching its state
        // The controller (netlink, store, firewall, reconciliation) and Vert.x each take a few
        // hundred ms to load and warm up: on two threads they are ready sooner.
        CompletableFuture<DaemonEngine> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opening.complete(DaemonEngine.open(config.stateDir(), hostNamespace(), options.firewall(), config.cluster()));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, "netmgrd-open");
        opener.start();
        Vertx vertx = DaemonServer.newVertx();
        OperationMetrics metrics = new OperationMetrics();
        DaemonEngine engine;
        try {
            engine = opening.join();
        } catch (CompletionException e) {
            vertx.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        long engineMs = (System.nanoTime() - t0) / 1_000_000;
        engine.controller().startupRepairs().forEach(line -> log.info("reconciled: {}", line));
        NetNs host = engine.hostNamespace();
        DaemonServer server;
        Optional<ContainerDns> dns = Optional.empty();
        try {
            dns = dnsConfig.map(c -> ContainerDns.start(engine.store(), engine.cluster().<Store>map(DaemonCluster::store), host, c));
            server = DaemonServer.start(vertx, metrics, engine, config.socket(), tcpListener, config.dockerPlugin(), dns.isPresent(),
                    new DaemonInfo(DaemonInfo.buildVersion(),
                    ProcessHandle.current().pid(), config.socket().toString(), config.stateDir().toString(),
                    host.path().toString(), Instant.now().toString()));
        } catch (RuntimeException e) {
            dns.ifPresent(ContainerDns::close);
            engine.close();
            throw e;
        }
        Optional<ContainerDns> resolver = dns;
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT: stop serving and close the store; networks and sandboxes stay as they are
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: networks and sandboxes stay up");
            try {
                server.close();
                resolver.ifPresent(ContainerDns::close);
            } finally {
                engine.close();
                stopped.countDown();
            }
        }, "netmgrd-stop"));
        long jvmMs = System.currentTimeMillis() - ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L)
                - (System.nanoTime() - t0) / 1_000_000;
        tcpListener.ifPresent(t -> log.info("listening on {} too", t));
        server.dockerPluginSocket().ifPresent(p -> log.info("serving Docker's network and IPAM plugin \"netmgr\" on unix://{}", p));
        dnsConfig.ifPresent(c -> log.info("answering DNS on {} in sandboxes on user-defined networks, forwarding to {}",
                c.listenAt(), c.upstreams().isEmpty() ? "no resolver (none in " + HostResolvConf.DEFAULT_FILE + ")" : c.upstreams()));
        tcpListener.flatMap(TcpListener::warning).ifPresent(log::warn);
        engine.cluster().ifPresent(c -> log.info("in the cluster of {} as host {} ({}), lease TTL {}", c.endpoints(),
                c.registry().hostId(), c.registry().self().advertiseAddress(), c.registry().lease().ttl()));
        log.info("listening on unix://{} (state in {}, host namespace {}), ready in {} ms (controller {} ms, JVM start {} ms)",
                config.socket(), config.stateDir(), host.path(), (System.nanoTime() - t0) / 1_000_000, engineMs, jvmMs);
        stopped.await();
    }

    /** The resolver's settings: upstreams from --dns-upstream, else from the host's resolv.conf (its search domains in any case). */
    private DnsConfig dnsConfig() {
        DnsConfig config = DnsConfig.from(HostResolvConf.read(HostResolvConf.DEFAULT_FILE));
        return options.dnsUpstream().map(u -> config.withUpstreams(DnsConfig.parseUpstreams(u, "--dns-upstream"))).orElse(config);
    }

    /** The namespace that plays the host: the process's own, or the one {@code --host-netns} names. */
    private NetNs hostNamespace() {
        return options.hostNetns().map(n -> n.contains("/") ? NetNs.openPath(Path.of(n)) : NetNs.open(n))
                .orElseGet(NetNs::process);
    }
}
