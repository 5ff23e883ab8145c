package io.netmgr.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves DNS on sockets made elsewhere (each inside one sandbox's namespace), all from one
 * platform thread and one selector: a UDP query is read, answered from the name index and sent
 * back on that thread, with no hand-off and no allocation beyond the message itself. Names the
 * index does not know go to the {@link Forwarder}, which replies on the same socket later. TCP
 * connections (answers too long for UDP, or clients that prefer it) are served on a small pool of
 * threads, one per connection, closed after an idle while.
 *
 * <p>The socket a query arrives on tells whose it is: nothing in the packet is trusted for that.
 */
final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    private static final int TCP_IDLE_MILLIS = 10_000;
    private static final int TCP_CONNECTIONS = 64;
    // answers for queries of several sandboxes waiting in the selector are interleaved, one batch each
    private static final int DATAGRAMS_PER_TURN = 256;

    private final Supplier<NameTable> names;
    private final Responder responder;
    private final Forwarder forwarder;
    private final Selector selector;
    private final Queue<Runnable> changes = new ConcurrentLinkedQueue<>();
    private final Map<String, SandboxSockets> bySandbox = new ConcurrentHashMap<>();
    private final ExecutorService tcp;
    private final Thread loop;
    private volatile boolean closed;

    /** The two sockets that answer in one sandbox. */
    record SandboxSockets(String sandboxId, DatagramChannel udp, ServerSocketChannel tcp) {
        void close() {
            closeQuietly(udp);
            closeQuietly(tcp);
        }
    }

    DnsServer(Supplier<NameTable> names, Responder responder, Forwarder forwarder) throws IOException {
        this.names = names;
        this.responder = responder;
        this.forwarder = forwarder;
        this.selector = Selector.open();
        this.tcp = new ThreadPoolExecutor(0, TCP_CONNECTIONS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "netmgr-dns-tcp");
            t.setDaemon(true);
            return t;
        });
        this.loop = new Thread(this::run, "netmgr-dns");
        loop.setDaemon(true);
        loop.start();
    }

    /** Starts answering on {@code sockets} (bound, in the sandbox's namespace); they are this server's to close. */
    void serve(SandboxSockets sockets) {
        bySandbox.put(sockets.sandboxId(), sockets);
        changes.add(() -> {
            try {
                sockets.udp().configureBlocking(false);
                sockets.udp().register(selector, SelectionKey.OP_READ, sockets);
                sockets.tcp().configureBlocking(false);
                sockets.tcp().register(selector, SelectionKey.OP_ACCEPT, sockets);
            } catch (IOException e) {
                LOG.warn("cannot serve DNS in sandbox {}: {}", sockets.sandboxId(), e.toString());
                stop(sockets.sandboxId());
            }
        });
        selector.wakeup();
    }

    /** Stops answering in sandbox {@code sandboxId} and closes its sockets. */
    void stop(String sandboxId) {
        SandboxSockets sockets = bySandbox.remove(sandboxId);
        if (sockets != null) {
            sockets.close(); // closing deregisters them from the selector
            selector.wakeup();
        }
    }

    boolean serves(String sandboxId) {
        return bySandbox.containsKey(sandboxId);
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65535);
        try {
            while (!closed) {
                selector.select();
                for (Runnable change; (change = changes.poll()) != null; ) {
                    change.run();
                }
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    SandboxSockets sockets = (SandboxSockets) key.attachment();
                    if (key.channel() instanceof DatagramChannel udp) {
                        readDatagrams(sockets.sandboxId(), udp, buffer);
                    } else {
                        accept(sockets.sandboxId(), (ServerSocketChannel) key.channel());
                    }
                }
            }
        } catch (ClosedSelectorException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.error("the DNS server stopped: {}", e.toString(), e);
            }
        }
    }

    private void readDatagrams(String sandboxId, DatagramChannel udp, ByteBuffer buffer) {
        for (int i = 0; i < DATAGRAMS_PER_TURN; i++) {
            SocketAddress from;
            byte[] query;
            try {
                buffer.clear();
                from = udp.receive(buffer);
                if (from == null) {
                    return;
                }
                buffer.flip();
                query = new byte[buffer.remaining()];
                buffer.get(query);
            } catch (IOException e) {
                return; // closed meanwhile (the sandbox went away)
            }
            Reply reply = responder.reply(query, names.get(), sandboxId, true);
            if (reply instanceof Reply.Answer a) {
                send(udp, a.wire(), from);
            } else if (reply instanceof Reply.Forward f) {
                forwarder.forward(f.query(), false, answer -> send(udp, answer, from));
            }
        }
    }

    private static void send(DatagramChannel udp, byte[] wire, SocketAddress to) {
        try {
            udp.send(ByteBuffer.wrap(wire), to); // a full socket buffer drops it, as the network would
        } catch (IOException e) {
            // the sandbox went away, or the asker did: nobody to tell
        }
    }

    private void accept(String sandboxId, ServerSocketChannel server) {
        SocketChannel connection;
        try {
            connection = server.accept();
        } catch (IOException e) {
            return;
        }
        if (connection == null) {
            return;
        }
        try {
            tcp.execute(() -> converse(sandboxId, connection));
        } catch (RuntimeException e) { // every connection thread busy: the client retries
            closeQuietly(connection);
        }
    }

    /** Answers length-prefixed queries on one connection until the client closes it or goes quiet. */
    private void converse(String sandboxId, SocketChannel connection) {
        try (connection) {
            connection.configureBlocking(true);
            connection.socket().setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(connection.socket().getInputStream());
            DataOutputStream out = new DataOutputStream(connection.socket().getOutputStream());
            while (!closed) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                Reply reply = responder.reply(query, names.get(), sandboxId, false);
                byte[] answer = null;
                if (reply instanceof Reply.Answer a) {
                    answer = a.wire();
                } else if (reply instanceof Reply.Forward f) {
                    answer = forwarder.exchange(f.query(), true).or(() -> responder.serverFailure(query)).orElse(null);
                }
                if (answer == null) {
                    return;
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (EOFException | SocketTimeoutException e) {
            // the client is done, or idle
        } catch (IOException e) {
            LOG.debug("DNS over TCP in sandbox {}: {}", sandboxId, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        bySandbox.keySet().forEach(this::stop);
        closeQuietly(selector);
        tcp.shutdownNow();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing more to do
        }
    }
}
