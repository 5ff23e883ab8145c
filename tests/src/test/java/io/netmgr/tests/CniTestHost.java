package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a CNI test needs around the plugin: a namespace playing the host with an uplink to an
 * "outside" namespace (published ports answer on {@link #HOST_IP}), a plugin directory where
 * bin/netmgr-cni is linked as "netmgr", a runtime that execs it, and a network name, bridge and
 * subnet of its own. On {@link Via#DAEMON} a netmgrd bound to the host namespace serves
 * every call (and each call is checked to have gone to it); on {@link Via#IN_PROCESS} the
 * fast path is off and the plugin does the work itself.
 */
final class CniTestHost implements AutoCloseable {
    static final String HOST_IP = "198.51.100.1";
    static final String OUTSIDE_IP = "198.51.100.2";

    /** How netmgr-cni does its work. */
    enum Via {
        IN_PROCESS, DAEMON
    }

    final Via via;
    final NetNs host;
    final NetNs outside;
    final String network;
    final String bridge;
    final String subnet;
    /** The third octet of {@link #subnet} (10.213.N.0/24), for tests that need addresses of their own. */
    final int octet;
    final Path plugins;
    private final Path stateDir;
    private final DaemonProcess daemon;
    private final CniRuntime runtime;

    private CniTestHost(Via via, NetNs host, NetNs outside, Path plugins, Path stateDir,
            DaemonProcess daemon) {
        this.via = via;
        this.host = host;
        this.outside = outside;
        this.plugins = plugins;
        this.stateDir = stateDir;
        this.daemon = daemon;
        this.runtime = new CniRuntime(plugins, Map.of("NETMGR_HOST_NETNS", host.path().toString(),
                "NETMGR_STATE_DIR", stateDir.toString()));
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        network = "cnit-" + tag;
        bridge = "cnibr-" + tag;
        octet = ThreadLocalRandom.current().nextInt(0, 250);
        subnet = "10.213." + octet + ".0/24";
    }

    static CniTestHost start(TestNamespaces netns, Path tmp, Via via) throws Exception {
        NetNs host = netns.create("host");
        NetNs outside = netns.create("out");
        Path plugins = Files.createDirectories(tmp.resolve("cni-bin"));
        Files.createSymbolicLink(plugins.resolve("netmgr"), Distribution.HOME.resolve("bin/netmgr-cni"));
        if (Files.exists(Path.of("/usr/lib/cni/tuning"))) {
            Files.createSymbolicLink(plugins.resolve("tuning"), Path.of("/usr/lib/cni/tuning"));
        }
        // the reference firewall plugin changes the namespace it runs in: run it in the one playing the host
        writeScript(plugins.resolve("firewall"), "exec ip netns exec " + name(host) + " /usr/lib/cni/firewall");
        // the host's uplink: published ports answer on its address
        IpOracle.ipDo(host, "link", "add", "up0", "type", "veth", "peer", "name", "up1", "netns", name(outside));
        IpOracle.ipDo(host, "addr", "add", HOST_IP + "/24", "dev", "up0");
        IpOracle.ipDo(host, "link", "set", "up0", "up");
        IpOracle.ipDo(outside, "addr", "add", OUTSIDE_IP + "/24", "dev", "up1");
        IpOracle.ipDo(outside, "link", "set", "up1", "up");
        if (via == Via.IN_PROCESS) {
            return new CniTestHost(via, host, outside, plugins, tmp.resolve("state"), null);
        }
        DaemonProcess daemon = new DaemonProcess(Files.createDirectories(tmp.resolve("d")), name(host)).start();
        return new CniTestHost(via, host, outside, plugins, daemon.stateDir, daemon);
    }

    private static void writeScript(Path file, String command) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + command + " \"$@\"\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String name(NetNs ns) {
        return ns.path().getFileName().toString();
    }

    /** The network's configuration in {@code version}: a bridge with masquerade, hairpin and a default route. */
    Map<String, Object> conf(String version) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("cniVersion", version);
        c.put("name", network);
        c.put("type", "netmgr");
        c.put("bridge", bridge);
        c.put("ipMasq", true);
        c.put("hairpinMode", true);
        c.put("ipam", Map.of("type", "host-local", "ranges", List.of(List.of(Map.of("subnet", subnet))),
                "routes", List.of(Map.of("dst", "0.0.0.0/0"))));
        return c;
    }

    /** The daemon the plugin reaches on the daemon path, for the CLI; none in-process. */
    java.util.Optional<DaemonProcess> daemon() {
        return java.util.Optional.ofNullable(daemon);
    }

    CniRuntime.Outcome add(String id, NetNs ns, Map<String, Object> conf) {
        return run("ADD", id, ns, conf);
    }

    CniRuntime.Outcome run(String command, String id, NetNs ns, Map<String, Object> conf) {
        return exec("netmgr", command, id, ns == null ? null : ns.path().toString(), id == null ? null : "eth0", conf, Map.of());
    }

    /**
     * Execs plugin {@code type}; netmgr's configuration is pointed at this host's path (the
     * daemon's socket, or none), and on the daemon path the call must not have run in-process.
     */
    CniRuntime.Outcome exec(String type, String command, String id, String netns, String ifName, Map<String, Object> conf,
            Map<String, String> env) {
        Map<String, Object> c = conf;
        if (type.equals("netmgr")) {
            c = with(conf, "daemonSocket", daemon == null ? "" : daemon.socket.toString());
        }
        CniRuntime.Outcome o = runtime.exec(type, command, id, netns, ifName, c, env);
        if (daemon != null && type.equals("netmgr")) {
            assertThat(o.err()).as("served by netmgrd").doesNotContain("running in-process");
        }
        return o;
    }

    /** Whether the store holds nothing of the network: the daemon lists no such network; in-process, no store was made. */
    boolean nothingStored() throws Exception {
        if (daemon != null) {
            return NetmgrdIT.cli(daemon, "network", "ls", "--format", "{{.Name}}").out().lines().noneMatch(network::equals);
        }
        return !Files.exists(stateDir);
    }

    /** Stops netmgrd (SIGTERM) and starts it again on the same state: its start reconciles. */
    void restartDaemon() throws Exception {
        daemon.stop();
        daemon.start();
    }

    static Map<String, Object> with(Map<String, Object> conf, String key, Object value) {
        Map<String, Object> c = new LinkedHashMap<>(conf);
        c.put(key, value);
        return c;
    }

    @Override
    public void close() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }
}
