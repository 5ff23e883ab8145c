package io.netmgr.cli;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Veth;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Shows netmgr's kernel work end to end without touching the machine: a namespace plays the
 * host, gets a bridge, two sandboxes are wired to it with veth pairs, and TCP flows between
 * them. Everything made is removed at the end, also on failure.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a bridge network with two sandboxes in a namespace playing the host, "
                + "send TCP between them, and clean up. Needs root.")
final class DemoCommand implements Callable<Integer> {
    private static final int PORT = 8080;

    @Option(names = "--subnet", description = "Subnet of the demo network (default: ${DEFAULT-VALUE}).",
            defaultValue = "10.200.0.0/24")
    String subnet;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        IpNet net = IpNet.parse(subnet).network();
        if (net.isIpv6() || net.prefixLength() > 29) {
            throw new IllegalArgumentException("--subnet " + subnet + ": give an IPv4 subnet of /29 or larger, e.g. 10.200.0.0/24");
        }
        String tag = Long.toHexString(ProcessHandle.current().pid());
        List<NetNs> made = new ArrayList<>();
        long start = System.nanoTime();
        try {
            NetNs host = create("nm-demo-host-" + tag, made);
            NetNs a = create("nm-demo-a-" + tag, made);
            NetNs b = create("nm-demo-b-" + tag, made);
            out.printf("host namespace   %s%n", host.path());
            try (NetlinkHandle h = NetlinkHandle.open(host)) {
                h.links().add(Bridge.named("nm-demo0"));
                IpNet gateway = nth(net, 1);
                h.addresses().add("nm-demo0", gateway);
                h.links().setUp("nm-demo0");
                out.printf("bridge nm-demo0  %s (gateway)%n", gateway);
                IpNet ipA = attach(h, a, "veth-a", nth(net, 2));
                IpNet ipB = attach(h, b, "veth-b", nth(net, 3));
                exchange(a, b, ipB.address(), ipA);
            }
            out.printf("done in %d ms; removing what the demo made%n", (System.nanoTime() - start) / 1_000_000);
            return 0;
        } finally {
            for (NetNs ns : made) {
                ns.close();
                NetNs.delete(ns.path().getFileName().toString());
            }
        }
    }

    private static NetNs create(String name, List<NetNs> made) {
        NetNs ns = NetNs.create(name);
        made.add(ns);
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().setUp("lo");
        }
        return ns;
    }

    private IpNet attach(NetlinkHandle host, NetNs sandbox, String hostSide, IpNet ip) {
        host.links().add(Veth.pair(hostSide, "eth0").withPeerIn(sandbox));
        host.links().setMaster(hostSide, "nm-demo0");
        host.links().setUp(hostSide);
        try (NetlinkHandle s = NetlinkHandle.open(sandbox)) {
            s.addresses().add("eth0", ip);
            s.links().setUp("eth0");
        }
        out.printf("sandbox %-8s eth0 %s via %s on nm-demo0%n", sandbox.path().getFileName().toString().split("-")[2], ip, hostSide);
        return ip;
    }

    private void exchange(NetNs client, NetNs server, InetAddress serverIp, IpNet clientIp) {
        String message = "hello from " + IpNet.format(clientIp.address());
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
            out.printf("TCP %s -> %s:%d  \"%s\" echoed back in %.1f ms%n", IpNet.format(clientIp.address()),
                    IpNet.format(serverIp), PORT, reply, micros / 1000.0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    private static IpNet nth(IpNet net, int n) {
        byte[] b = net.network().address().getAddress();
        int v = ((b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff)) + n;
        return new IpNet(IpNet.parseAddress((v >>> 24) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff)),
                net.prefixLength());
    }
}
