package io.netmgr.daemon;

import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netmgrd}: the netmgr daemon, serving its REST API and Docker's networks API on a unix socket. */
@Command(name = "netmgrd", mixinStandardHelpOptions = true, versionProvider = Netmgrd.Version.class,
        description = "netmgr daemon: REST API (netmgr's own and Docker's networks subset) on a unix socket.")
public final class Netmgrd implements Callable<Integer> {

    @Option(names = "--socket", description = "Unix socket to listen on (default: /run/netmgr/netmgr.sock).")
    Path socket;

    @Option(names = "--state-dir", description = "Where the store lives (default: /var/lib/netmgr).")
    Path stateDir;

    @Option(names = "--config", description = "Config file (default: /etc/netmgr/netmgrd.json, optional).")
    Path configFile;

    @Option(names = "--firewall", description = "Firewall backend: nftables (default), iptables or none.",
            defaultValue = "nftables")
    String firewall;

    @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "Also listen on TCP (off by default). Anywhere "
            + "but loopback this needs --tls-cert, --tls-key and --tls-ca: clients must present a certificate signed by that CA.")
    String tcp;

    @Option(names = "--tls-cert", description = "Server certificate for --tcp (PEM).")
    Path tlsCert;

    @Option(names = "--tls-key", description = "Server key for --tcp (PEM).")
    Path tlsKey;

    @Option(names = "--tls-ca", description = "CA that client certificates must be signed by (PEM).")
    Path tlsCa;

    // For tests: a namespace (name under /run/netns, or a path) plays the host, so the machine's
    // own links are never touched.
    @Option(names = "--host-netns", hidden = true)
    String hostNetns;

    public static void main(String[] args) {
        // before the first logger exists: one line per message, with time, on stderr
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        // the firewall module logs through java.util.logging: same one-line shape
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s - %5$s%6$s%n");
        int exit = new CommandLine(new Netmgrd()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("netmgrd: " + e.getMessage());
            if (System.getenv("NETMGR_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        }).execute(args);
        System.exit(exit);
    }

    @Override
    public Integer call() throws InterruptedException {
        long t0 = System.nanoTime();
        DaemonConfig config = DaemonConfig.load(configFile == null ? DaemonConfig.DEFAULT_FILE : configFile, configFile != null,
                Optional.ofNullable(socket), Optional.ofNullable(stateDir));
        var log = org.slf4j.LoggerFactory.getLogger(Netmgrd.class);
        Optional<TcpListener> tcpListener = tcp == null ? Optional.empty()
                : Optional.of(TcpListener.parse(tcp, tlsCert, tlsKey, tlsCa)); // refused before any state is touched
        if (tcp == null && (tlsCert != null || tlsKey != null || tlsCa != null)) {
            throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-ca secure --tcp: give --tcp HOST:PORT too");
        }
        DaemonServer.prepareSocketPath(config.socket()); // a daemon already serving there: refuse before touching its state
        NetNs host = hostNetns == null ? NetNs.process()
                : hostNetns.contains("/") ? NetNs.openPath(Path.of(hostNetns)) : NetNs.open(hostNetns);
        // The controller (store, netlink, reconciliation) and Vert.x each take a few hundred ms to
        // load and warm up: on two threads they are ready sooner.
        CompletableFuture<DaemonEngine> opening = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                opening.complete(DaemonEngine.open(config.stateDir(), host, firewall));
            } catch (Throwable e) {
                opening.completeExceptionally(e);
            }
        }, "netmgrd-open");
        opener.start();
        Vertx vertx = Vertx.vertx();
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
        DaemonServer server;
        try {
            server = DaemonServer.start(vertx, metrics, engine, config.socket(), tcpListener, new DaemonInfo(DaemonInfo.buildVersion(),
                    ProcessHandle.current().pid(), config.socket().toString(), config.stateDir().toString(),
                    host.path().toString(), Instant.now().toString()));
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT: stop serving and close the store; networks and sandboxes stay as they are
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: networks and sandboxes stay up");
            try {
                server.close();
            } finally {
                engine.close();
                stopped.countDown();
            }
        }, "netmgrd-stop"));
        long jvmMs = System.currentTimeMillis() - ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli).orElse(0L)
                - (System.nanoTime() - t0) / 1_000_000;
        tcpListener.ifPresent(t -> log.info("listening on {} too", t));
        log.info("listening on unix://{} (state in {}, host namespace {}), ready in {} ms (controller {} ms, JVM start {} ms)",
                config.socket(), config.stateDir(), host.path(), (System.nanoTime() - t0) / 1_000_000, engineMs, jvmMs);
        stopped.await();
        return 0;
    }

    /** The version baked into the jar's manifest by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"netmgrd " + DaemonInfo.buildVersion()};
        }
    }
}
