package io.netmgr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.client.DaemonClient;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The demo's TCP: an echo server in a sandbox (as a container's process would be) and clients in
 * other namespaces, each exchange printed with what it crossed and how long it took.
 */
final class DemoTraffic {
    private final PrintStream out;

    DemoTraffic(PrintStream out) {
        this.out = out;
    }

    /** The first IPv4 address of sandbox {@code sandbox}'s endpoints, as its daemon reports it. */
    static IpAddress ipv4(DaemonClient client, String sandbox) {
        for (JsonNode e : client.get("/v1/endpoints?sandbox=" + sandbox)) {
            for (JsonNode a : e.path("addresses")) {
                IpNet net = IpNet.parse(a.asText());
                if (!net.isIpv6()) {
                    return net.address();
                }
            }
        }
        throw new IllegalStateException("sandbox " + sandbox + " has no IPv4 address");
    }

    /** Sandbox {@code sandbox}'s namespace, opened. */
    static NetNs namespaceOf(DaemonClient client, String sandbox) {
        return NetNs.openPath(Path.of(client.get("/v1/sandboxes/" + sandbox).path("namespacePath").asText()));
    }

    /** An echo server listening in {@code ns} on {@code ip:port} until closed. */
    ServerSocket echoServer(NetNs ns, IpAddress ip, int port) {
        ServerSocket listener = ns.call(() -> new ServerSocket(port, 50, ip.toInetAddress()));
        Thread echo = new Thread(() -> echo(listener), "demo-echo");
        echo.setDaemon(true);
        echo.start();
        return listener;
    }

    /** Sends a line from {@code client} (a namespace) to {@code ip:port} and checks it comes back. */
    void exchange(String what, NetNs client, IpAddress ip, int port, String message) {
        long t0 = System.nanoTime();
        // the client socket is made and connected on its namespace's own thread
        String reply = client.call(() -> send(ip.toInetAddress(), port, message));
        long micros = (System.nanoTime() - t0) / 1000;
        if (!reply.equals(message)) {
            throw new IllegalStateException(what + ": echo returned '" + reply + "', expected '" + message + "'");
        }
        out.printf("TCP %-30s %s:%d  \"%s\" echoed back in %.1f ms%n", what, ip.uriHost(), port, reply, micros / 1000.0);
    }

    // a path just made (an overlay's peers, a task's listener) may take a moment: refusals and timeouts are retried for a while
    private static String send(InetAddress ip, int port, String message) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), 3000);
                s.setSoTimeout(3000);
                s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(50);
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
}
