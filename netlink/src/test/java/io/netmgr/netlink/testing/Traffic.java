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
        return new EchoServer(listen(ns, address, port));
    }

    private static ServerSocket listen(NetNs ns, InetAddress address, int port) {
        return ns.call(() -> {
            // a server on the port closed just before may still hold it: the JDK closes a socket
            // whose accept is blocked only once that thread has woken up
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (true) {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                try {
                    s.bind(new InetSocketAddress(address, port));
                    return s;
                } catch (java.net.BindException e) {
                    s.close();
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(20);
                }
            }
        });
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

    /**
     * A server in {@code ns} on {@code address:port} that reads each connection to its end and
     * answers {@code name} and the address the connection came from ("b1 198.51.100.100"): which
     * backend a balanced connection reached, and whether the client's address was kept.
     */
    public static Identifying identifying(NetNs ns, InetAddress address, int port, String name) {
        return new Identifying(listen(ns, address, port), name);
    }

    /** Answers each connection its name and the connection's source address, until closed. */
    public static final class Identifying extends Listening {
        Identifying(ServerSocket server, String name) {
            super(server, "identifying " + name, (s, in, out) -> {
                in.transferTo(OutputStream.nullOutputStream());
                out.write((name + " " + s.getInetAddress().getHostAddress()).getBytes(StandardCharsets.UTF_8));
            });
        }
    }

    /** What a server does with one connection. */
    interface Handler {
        void handle(Socket s, InputStream in, OutputStream out) throws IOException;
    }

    /** A listening socket whose connections a daemon thread hands to a handler, one at a time, until closed. */
    abstract static class Listening implements AutoCloseable {
        final ServerSocket server;

        Listening(ServerSocket server, String threadName, Handler handler) {
            this.server = server;
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        handler.handle(s, in, out);
                    } catch (IOException e) {
                        // closed, or a client went away: keep serving until closed
                    }
                }
            }, threadName);
            acceptor.setDaemon(true);
            acceptor.start();
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

    /** A server in {@code ns} on {@code address:port} that reads each connection to its end and answers the byte count. */
    public static CountingSink sink(NetNs ns, InetAddress address, int port) {
        return new CountingSink(listen(ns, address, port));
    }

    /**
     * Sends {@code bytes} zero bytes from {@code client} to a {@link CountingSink} at {@code address:port}
     * and returns how long it took until the sink confirmed them all, in nanoseconds; fails when
     * the sink counted otherwise or nothing moved for {@code timeoutMillis}.
     */
    public static long timedSend(NetNs client, InetAddress address, int port, int bytes, int timeoutMillis) {
        return client.call(() -> {
            try (Socket socket = new Socket()) {
                long start = System.nanoTime();
                socket.connect(new InetSocketAddress(address, port), timeoutMillis);
                socket.setSoTimeout(timeoutMillis);
                OutputStream out = socket.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(chunk, 0, Math.min(chunk.length, bytes - sent));
                }
                socket.shutdownOutput();
                String counted = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                long nanos = System.nanoTime() - start;
                if (!counted.equals(Integer.toString(bytes))) {
                    throw new IllegalStateException("sent " + bytes + " bytes, the sink counted " + counted);
                }
                return nanos;
            } catch (IOException e) {
                throw new UncheckedIOException("bulk TCP to " + address.getHostAddress() + ":" + port + " from " + client, e);
            }
        });
    }

    /** Counts every connection's bytes and answers the count until closed. */
    public static final class CountingSink extends Listening {
        CountingSink(ServerSocket server) {
            super(server, "sink " + server.getLocalSocketAddress(), (s, in, out) -> {
                long n = in.transferTo(OutputStream.nullOutputStream());
                out.write(Long.toString(n).getBytes(StandardCharsets.UTF_8));
            });
        }
    }

    /** Echoes every connection's bytes back until closed. */
    public static final class EchoServer extends Listening {
        EchoServer(ServerSocket server) {
            super(server, "echo " + server.getLocalSocketAddress(), (s, in, out) -> in.transferTo(out));
        }

        public int port() {
            return server.getLocalPort();
        }
    }
}
