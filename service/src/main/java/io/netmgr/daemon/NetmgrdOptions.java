package io.netmgr.daemon;

import io.netmgr.engine.FirewallChoice;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * netmgrd's command line. Read by hand rather than by picocli, which the CLI uses: picocli's
 * classes are built for Java 5, so the JVM's class data sharing cannot archive them, and with
 * its reflection it made every start of the daemon slower (bench/daemon-start.sh).
 */
record NetmgrdOptions(Optional<Path> socket, Optional<Path> stateDir, Optional<Path> configFile, FirewallChoice firewall,
                      Optional<String> tcp, Optional<Path> tlsCert, Optional<Path> tlsKey, Optional<Path> tlsCa,
                      Optional<String> hostNetns, boolean plainTcpAccepted, Optional<Path> dockerPlugin,
                      ClusterConfig.Given cluster, boolean dns, Optional<String> dnsUpstream, Action action) {

    /** What the command line asks for: serve, or print the help or the version and stop. */
    enum Action { SERVE, HELP, VERSION }

    static final String USAGE = """
            Usage: netmgrd [-hV] [--config=FILE] [--dns=false] [--dns-upstream=ADDRS]
                           [--docker-plugin[=PATH]] [--firewall=BACKEND] [--socket=PATH]
                           [--state-dir=DIR] [--tcp=HOST:PORT] [--tls=false]
                           [--tls-ca=FILE] [--tls-cert=FILE] [--tls-key=FILE]
                           [--cluster-store=etcd://HOST:PORT[,HOST:PORT...]
                            --advertise-addr=IP [--cluster-cacert=FILE]
                            [--cluster-cert=FILE --cluster-key=FILE]
                            [--cluster-lease-ttl=DURATION]]
            netmgr daemon: REST API (netmgr's own and Docker's networks subset) on a unix
            socket.
                  --advertise-addr=IP  This host's underlay address, which the other hosts
                                         of the cluster reach it at (with
                                         --cluster-store).
                  --cluster-cacert=FILE
                                       CA of the etcd members' certificates (PEM): talk
                                         to etcd over TLS.
                  --cluster-cert=FILE  Client certificate for etcd (PEM), with
                                         --cluster-key (PKCS#8 PEM).
                  --cluster-key=FILE   Client key for etcd (PKCS#8 PEM).
                  --cluster-lease-ttl=DURATION
                                       How long after its last keep-alive a silent host
                                         is taken for dead (default: 2s; at least 1s).
                  --cluster-store=etcd://HOST:PORT[,HOST:PORT...]
                                       Join a cluster of hosts sharing this etcd: needed
                                         for overlay networks.
                  --config=FILE        Config file (default: /etc/netmgr/netmgrd.json,
                                         optional).
                  --dns=false          Do not answer DNS in sandboxes (by default netmgrd
                                         answers on 127.0.0.11:53 inside every sandbox
                                         on a user-defined network).
                  --dns-upstream=ADDRS Resolvers for names the networks do not know,
                                         e.g. 192.0.2.53,[2001:db8::53]:5353 (default:
                                         the nameservers of /etc/resolv.conf).
                  --docker-plugin[=PATH]
                                       Also serve Docker's network and IPAM plugin
                                         protocol, as driver "netmgr", on PATH (default:
                                         /run/docker/plugins/netmgr.sock).
                  --firewall=BACKEND   Firewall backend: nftables (default), iptables or
                                         none.
              -h, --help               Show this help message and exit.
                  --socket=PATH        Unix socket to listen on (default:
                                         /run/netmgr/netmgr.sock).
                  --state-dir=DIR      Where the store lives (default: /var/lib/netmgr).
                  --tcp=HOST:PORT      Also listen on TCP (off by default). This needs
                                         --tls-cert, --tls-key and --tls-ca: clients must
                                         present a certificate signed by that CA. On
                                         loopback only, --tls=false serves plain HTTP.
                  --tls=false          Accept --tcp on loopback without TLS: every local
                                         user, root or not, can then change this host's
                                         networks (warned at start).
                  --tls-ca=FILE        CA that client certificates must be signed by
                                         (PEM).
                  --tls-cert=FILE      Server certificate for --tcp (PEM).
                  --tls-key=FILE       Server key for --tcp (PEM).
              -V, --version            Print version information and exit.
            """;

    // For tests: a namespace (name under /run/netns, or a path) plays the host, so the
    // machine's own links are never touched. Not in the usage text.
    private static final String HOST_NETNS = "--host-netns";
    // its value is optional: alone, it serves on the default socket
    private static final String DOCKER_PLUGIN = "--docker-plugin";
    private static final List<String> VALUED = List.of("--socket", "--state-dir", "--config", "--firewall", "--tcp",
            "--tls-cert", "--tls-key", "--tls-ca", HOST_NETNS, "--tls", "--cluster-store", "--advertise-addr",
            "--cluster-cacert", "--cluster-cert", "--cluster-key", "--cluster-lease-ttl", "--dns", "--dns-upstream");

    /** A command line netmgrd cannot read; the message names the argument. */
    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    /** Reads {@code args} ({@code --name value} or {@code --name=value}); the last of a repeated option wins. */
    static NetmgrdOptions parse(String... args) {
        String[] values = new String[VALUED.size()];
        Action action = Action.SERVE;
        Optional<Path> dockerPlugin = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(DOCKER_PLUGIN) || arg.startsWith(DOCKER_PLUGIN + "=")) {
                String value = arg.equals(DOCKER_PLUGIN) ? (i + 1 < args.length && !args[i + 1].startsWith("-") ? args[++i] : "")
                        : arg.substring(DOCKER_PLUGIN.length() + 1);
                dockerPlugin = Optional.of(value.isEmpty() ? io.netmgr.daemon.plugin.PluginServer.DEFAULT_SOCKET : Path.of(value));
                continue;
            }
            switch (arg) {
                case "-h", "--help" -> action = Action.HELP;
                case "-V", "--version" -> action = action == Action.HELP ? action : Action.VERSION;
                default -> {
                    int eq = arg.indexOf('=');
                    String name = eq > 0 ? arg.substring(0, eq) : arg;
                    int slot = VALUED.indexOf(name);
                    if (slot < 0) {
                        throw new UsageException(arg.startsWith("-") ? "Unknown option: '" + arg + "'"
                                : "Unexpected argument: '" + arg + "' (netmgrd takes options only)");
                    }
                    if (eq > 0) {
                        values[slot] = arg.substring(eq + 1);
                    } else if (i + 1 < args.length && !VALUED.contains(args[i + 1])) {
                        values[slot] = args[++i];
                    } else {
                        throw new UsageException("Missing required parameter for option '" + name + "'");
                    }
                }
            }
        }
        return new NetmgrdOptions(path(values, "--socket"), path(values, "--state-dir"), path(values, "--config"),
                firewall(values), value(values, "--tcp"), path(values, "--tls-cert"),
                path(values, "--tls-key"), path(values, "--tls-ca"), value(values, HOST_NETNS), !flag(values, "--tls"),
                dockerPlugin, new ClusterConfig.Given(value(values, "--cluster-store"), value(values, "--advertise-addr"),
                        path(values, "--cluster-cacert"), path(values, "--cluster-cert"), path(values, "--cluster-key"),
                        value(values, "--cluster-lease-ttl")), flag(values, "--dns"), value(values, "--dns-upstream"), action);
    }

    /**
     * A switch on by default, such as {@code --tls} ({@code --tls=false} is the explicit opt-in to
     * plain TCP, as dockerd's) and {@code --dns}.
     */
    private static boolean flag(String[] values, String option) {
        return switch (value(values, option).orElse("true")) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("Invalid value for option '" + option + "': '" + value(values, option).get()
                    + "' (give true or false)");
        };
    }

    private static FirewallChoice firewall(String[] values) {
        try {
            return value(values, "--firewall").map(v -> FirewallChoice.parse("--firewall", v)).orElse(FirewallChoice.NFTABLES);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Optional<String> value(String[] values, String option) {
        return Optional.ofNullable(values[VALUED.indexOf(option)]);
    }

    private static Optional<Path> path(String[] values, String option) {
        return value(values, option).map(Path::of);
    }
}
