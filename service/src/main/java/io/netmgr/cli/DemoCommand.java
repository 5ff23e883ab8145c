package io.netmgr.cli;

import io.netmgr.core.Ids;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.engine.Engine;
import io.netmgr.engine.EngineConfig;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * netmgr end to end without touching the machine: a fresh namespace plays the host, the
 * library's NetworkController runs on the embedded store in a temp dir, makes a bridge
 * network and two sandboxes, TCP flows between them, and everything is removed again (also
 * on failure).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Create a bridge network and two sandboxes with netmgr's controller on the embedded store, "
                + "in a namespace playing the host; publish a port; send TCP between them and through the published "
                + "port; remove everything. Needs root.")
final class DemoCommand implements Callable<Integer> {
    private static final int PORT = 80;
    private static final int PUBLISHED = 8080;

    @Option(names = "--subnet", description = "Subnet of the demo network (default: ${DEFAULT-VALUE}).",
            defaultValue = "10.200.0.0/24")
    String subnet;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        IpPrefix prefix = IpPrefix.parse(subnet, "--subnet");
        if (prefix.family() != io.netmgr.core.ipam.IpFamily.V4 || prefix.length() > 29) {
            throw new IllegalArgumentException("--subnet " + subnet + ": give an IPv4 subnet of /29 or larger, e.g. 10.200.0.0/24");
        }
        long start = System.nanoTime();
        String hostName = "nm-demo-host-" + Long.toHexString(ProcessHandle.current().pid());
        Path stateDir = Files.createTempDirectory("netmgr-demo-");
        NetNs host = NetNs.create(hostName);
        try (NetlinkHandle h = NetlinkHandle.open(host)) {
            h.links().setUp("lo"); // a host has its loopback up: ports published on 127.0.0.1 answer there
        }
        try (Engine engine = Engine.open(EngineConfig.defaults().withStateDir(stateDir).withHostNamespace(host))) {
            NetworkController controller = engine.controller();
            out.printf("host namespace   %s (plays the host: this machine's interfaces are not touched)%n", host.path());
            out.printf("store            embedded LMDB in %s%n", stateDir);
            out.printf("firewall         %s, table inet netmgr in the host namespace%n",
                    engine.firewall().map(f -> f.backend()).orElse("none"));
            run(controller, host, prefix);
            out.printf("store            %d networks (bridge, host, none predefined), revision %d%n",
                    controller.networks(NetworkFilter.ALL).size(), engine.store().revision());
            out.println("removing         endpoints, sandboxes, network");
            for (Sandbox s : controller.sandboxes()) {
                controller.deleteSandbox(s.id());
            }
            for (Endpoint e : controller.endpoints()) {
                controller.deleteEndpoint(e.id());
            }
            controller.deleteNetwork("demo");
        } finally {
            host.close();
            NetNs.delete(hostName);
            deleteTree(stateDir);
        }
        out.printf("done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        return 0;
    }

    private void run(NetworkController controller, NetNs host, IpPrefix prefix) {
        Network net = controller.createNetwork(NetworkConfig.of("demo", "bridge").withIpam(IpamConfig.of(prefix)));
        String gateway = net.pools().get(0).gateway();
        out.printf("network demo     id %s, bridge %s, subnet %s, gateway %s%n", Ids.shortId(net.id()),
                BridgeDriver.bridgeName(net), net.pools().get(0).subnet(), gateway);
        Endpoint web = attach(controller, "web", PUBLISHED + ":" + PORT);
        Endpoint client = attach(controller, "client");
        try (NetNs webNs = NetNs.openPath(controller.sandbox("web").path());
             NetNs clientNs = NetNs.openPath(controller.sandbox("client").path());
             ServerSocket listener = webNs.call(() -> new ServerSocket(PORT, 50, address(web)))) {
            Thread echo = new Thread(() -> echo(listener), "demo-echo");
            echo.setDaemon(true);
            echo.start();
            exchange("client -> web", clientNs, address(web), PORT, address(client));
            exchange("host -> 127.0.0.1 (published)", host, InetAddress.getLoopbackAddress(), PUBLISHED, null);
            exchange("client -> gateway (published)", clientNs, IpNet.parseAddress(gateway), PUBLISHED, address(client));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Endpoint attach(NetworkController controller, String name, String... ports) {
        Sandbox sandbox = controller.createSandbox(name);
        Endpoint e = controller.createEndpoint("demo", EndpointConfig.named(name).withPorts(ports));
        e = controller.join(e.id(), sandbox.id());
        out.printf("sandbox %-8s %s %s mac %s (host side %s)%s%n", name, e.interfaceName(), e.addresses().get(0), e.mac(),
                e.hostInterface(), e.ports().isEmpty() ? "" : ", publishes " + e.ports());
        return e;
    }

    /** Sends a line from {@code client} (a namespace) to {@code ip:port} and checks it comes back. */
    private void exchange(String what, NetNs client, InetAddress ip, int port, InetAddress from) {
        String message = "hello from " + (from == null ? "the host" : IpNet.format(from));
        long t0 = System.nanoTime();
        // the client socket is made and connected on its namespace's own thread
        String reply = client.call(() -> send(ip, port, message));
        long micros = (System.nanoTime() - t0) / 1000;
        if (!reply.equals(message)) {
            throw new IllegalStateException(what + ": echo returned '" + reply + "', expected '" + message + "'");
        }
        out.printf("TCP %-30s %s:%d  \"%s\" echoed back in %.1f ms%n", what, IpNet.format(ip), port, reply,
                micros / 1000.0);
    }

    private static InetAddress address(Endpoint e) {
        return IpNet.parse(e.addresses().get(0)).address();
    }

    private static String send(InetAddress ip, int port, String message) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 3000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void echo(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
                in.transferTo(o);
            } catch (IOException e) {
                // closed, or a client failed: that client reports it
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
