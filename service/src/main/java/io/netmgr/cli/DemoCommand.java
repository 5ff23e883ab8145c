package io.netmgr.cli;

import io.netmgr.core.Ids;
import io.netmgr.core.controller.HostRoutes;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.driver.DriverRegistry;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.ipam.IpPrefix;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.network.Network;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.ipam.DefaultIpam;
import io.netmgr.ipam.DefaultPools;
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
                + "in a namespace playing the host; send TCP between them; remove everything. Needs root.")
final class DemoCommand implements Callable<Integer> {
    private static final int PORT = 8080;

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
        try (LmdbStore store = LmdbStore.open(stateDir); NetlinkHandle hostLinks = NetlinkHandle.open(host);
             NetworkController controller = new NetworkController(host, store,
                     new DefaultIpam(store, new HostRoutes(hostLinks), DefaultPools.forThisHost()),
                     DriverRegistry.fromClassPath(), NetNs.DEFAULT_RUN_DIR)) {
            out.printf("host namespace   %s (plays the host: this machine's interfaces are not touched)%n", host.path());
            out.printf("store            embedded LMDB in %s%n", stateDir);
            run(controller, prefix);
            out.printf("store            %d networks (bridge, host, none predefined), revision %d%n",
                    controller.networks(NetworkFilter.ALL).size(), store.revision());
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

    private void run(NetworkController controller, IpPrefix prefix) {
        Network net = controller.createNetwork(NetworkConfig.of("demo", "bridge").withIpam(IpamConfig.of(prefix)));
        out.printf("network demo     id %s, bridge %s, subnet %s, gateway %s%n", Ids.shortId(net.id()),
                BridgeDriver.bridgeName(net), net.pools().get(0).subnet(), net.pools().get(0).gateway());
        Endpoint web = attach(controller, "web");
        Endpoint client = attach(controller, "client");
        try (NetNs webNs = NetNs.openPath(controller.sandbox("web").path());
             NetNs clientNs = NetNs.openPath(controller.sandbox("client").path())) {
            exchange(clientNs, webNs, address(web), address(client));
        }
    }

    private Endpoint attach(NetworkController controller, String name) {
        Sandbox sandbox = controller.createSandbox(name);
        Endpoint e = controller.createEndpoint("demo", EndpointConfig.named(name));
        e = controller.join(e.id(), sandbox.id());
        out.printf("sandbox %-8s %s %s mac %s (host side %s)%n", name, e.interfaceName(), e.addresses().get(0), e.mac(),
                e.hostInterface());
        return e;
    }

    private void exchange(NetNs client, NetNs server, InetAddress serverIp, InetAddress clientIp) {
        String message = "hello from " + IpNet.format(clientIp);
        // Each socket is made (and the client connected) on its namespace's own thread.
        try (ServerSocket listener = server.call(() -> new ServerSocket(PORT, 1, serverIp))) {
            Thread echo = new Thread(() -> echoOnce(listener), "demo-echo");
            echo.start();
            long t0 = System.nanoTime();
            String reply = client.call(() -> send(serverIp, message));
            long micros = (System.nanoTime() - t0) / 1000;
            if (!reply.equals(message)) {
                throw new IllegalStateException("echo returned '" + reply + "', expected '" + message + "'");
            }
            out.printf("TCP client -> web %s:%d  \"%s\" echoed back in %.1f ms%n", IpNet.format(serverIp), PORT, reply,
                    micros / 1000.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress address(Endpoint e) {
        return IpNet.parse(e.addresses().get(0)).address();
    }

    private static String send(InetAddress ip, String message) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, PORT), 3000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void echoOnce(ServerSocket listener) {
        try (Socket s = listener.accept(); InputStream in = s.getInputStream(); OutputStream o = s.getOutputStream()) {
            in.transferTo(o);
        } catch (IOException e) {
            // the client reports the failure
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
