package io.netmgr.nat;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Real TCP and UDP between test namespaces. Servers answer every request with the source
 * address they saw (IPv6 in RFC 5952 form), which is how the tests see masquerade (or its absence). Sockets are made on
 * the namespace's thread, since a socket belongs to the namespace of the thread that creates it.
 */
public final class Probe implements AutoCloseable {
    private final List<AutoCloseable> servers = new ArrayList<>();

    /** A TCP server in {@code ns} on {@code port} (every address) that writes back "NAME from SOURCE". */
    public void tcpServer(NetNs ns, int port, String name) {
        ServerSocket server = ns.call(() -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return s;
        });
        servers.add(server);
        daemon("tcp " + name + ":" + port, () -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write((name + " from " + IpAddress.of(s.getInetAddress())).getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // closed, or the client left: keep serving until closed
                }
            }
        });
    }

    /** A UDP server in {@code ns} on {@code port} that answers each datagram with "NAME from SOURCE". */
    public void udpServer(NetNs ns, int port, String name) {
        DatagramSocket socket = ns.call(() -> new DatagramSocket(new InetSocketAddress(port)));
        servers.add(socket);
        daemon("udp " + name + ":" + port, () -> {
            byte[] buf = new byte[512];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    socket.receive(in);
                    byte[] answer = (name + " from " + IpAddress.of(in.getAddress())).getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
                } catch (IOException e) {
                    // closed: the loop ends
                }
            }
        });
    }

    /**
     * What a TCP server at {@code address:port} answers {@code client}, or empty when nothing does
     * within a second (a dropped SYN: the rules said no).
     */
    public static Optional<String> tcp(NetNs client, String address, int port) {
        return tcp(client, address, port, 1000);
    }

    public static Optional<String> tcp(NetNs client, String address, int port, int timeoutMillis) {
        InetAddress ip = ip(address);
        return client.call(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, port), timeoutMillis);
                s.setSoTimeout(timeoutMillis);
                try (InputStream in = s.getInputStream()) {
                    return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** What a UDP server at {@code address:port} answers {@code client}, or empty when nothing does in time. */
    public static Optional<String> udp(NetNs client, String address, int port) {
        return udp(client, address, port, 0);
    }

    /** As {@link #udp(NetNs, String, int)}, from source port {@code sourcePort} (0: any), so that flows can be repeated. */
    public static Optional<String> udp(NetNs client, String address, int port, int sourcePort) {
        InetAddress ip = ip(address);
        return client.call(() -> {
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(sourcePort));
                s.setSoTimeout(500);
                byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
                // UDP may lose the first datagram while ARP resolves: ask twice
                for (int attempt = 0; attempt < 2; attempt++) {
                    s.send(new DatagramPacket(hello, hello.length, ip, port));
                    DatagramPacket answer = new DatagramPacket(new byte[512], 512);
                    try {
                        s.receive(answer);
                        return Optional.of(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8));
                    } catch (SocketTimeoutException e) {
                        // try again
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static InetAddress ip(String address) {
        try {
            return InetAddress.getByName(address); // a literal: never resolves a name
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        for (AutoCloseable s : servers) {
            try {
                s.close();
            } catch (Exception e) {
                // closing a test server: nothing to do
            }
        }
    }
}
