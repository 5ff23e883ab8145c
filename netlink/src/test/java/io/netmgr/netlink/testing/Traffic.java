package io.netmgr.netlink.testing;

import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Real TCP between namespaces: a socket belongs to the namespace of the thread that created it,
 * so the server and client sockets are made on each namespace's own thread and used from here.
 */
public final class Traffic {
    private Traffic() {
    }

    /** A one-connection echo server listening in {@code ns} on {@code address:port}. */
    public static EchoServer echoServer(NetNs ns, InetAddress address, int port) {
        ServerSocket server = ns.call(() -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
            return s;
        });
        return new EchoServer(server);
    }

    /**
     * Connects from {@code client} to {@code address:port}, sends {@code message} and returns
     * what came back; fails after {@code timeoutMillis} when nothing answers.
     */
    public static String exchange(NetNs client, InetAddress address, int port, String message, int timeoutMillis) {
        // java.net.Socket makes its file descriptor only when connecting, so the connect must
        // happen on the namespace's thread too, or it would leave from the caller's namespace.
        return client.call(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                OutputStream out = socket.getOutputStream();
                out.write(message.getBytes(StandardCharsets.UTF_8));
                socket.shutdownOutput();
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("TCP to " + address.getHostAddress() + ":" + port + " from " + client, e);
            }
        });
    }

    /** Echoes every connection's bytes back until closed. */
    public static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread acceptor;

        EchoServer(ServerSocket server) {
            this.server = server;
            this.acceptor = new Thread(this::serve, "echo " + server.getLocalSocketAddress());
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.transferTo(out);
                } catch (IOException e) {
                    // closed, or a client went away: keep serving until closed
                }
            }
        }

        public int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
