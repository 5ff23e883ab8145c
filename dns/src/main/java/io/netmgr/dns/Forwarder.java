package io.netmgr.dns;

import io.netmgr.netlink.ns.NetNs;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the host's resolvers what the networks do not know, from the host's namespace (so a
 * resolver on the host's loopback, such as systemd-resolved's 127.0.0.53, is reachable) with a
 * deadline per resolver, one after the other in resolv.conf's order. The query goes as the
 * container sent it (its id, its EDNS size) and the first answer comes back as is; when none
 * answers in time the container gets SERVFAIL. A bounded pool of platform threads waits on the
 * resolvers, so a slow one never holds up answers from the index.
 */
final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final int MAX_WAITING = 1024;

    private final List<InetSocketAddress> upstreams;
    private final NetNs origin;
    private final int timeoutMillis;
    private final Responder responder;
    private final ThreadPoolExecutor pool;

    Forwarder(List<InetSocketAddress> upstreams, NetNs origin, Duration timeout, int threads, Responder responder) {
        this.upstreams = List.copyOf(upstreams);
        this.origin = origin;
        this.timeoutMillis = (int) timeout.toMillis();
        this.responder = responder;
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(MAX_WAITING), r -> {
            Thread t = new Thread(r, "netmgr-dns-forward");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Answers {@code query} through the upstreams, later, by calling {@code reply} (not on this thread). */
    void forward(byte[] query, boolean tcp, Consumer<byte[]> reply) {
        try {
            pool.execute(() -> exchange(query, tcp).or(() -> responder.serverFailure(query)).ifPresent(reply));
        } catch (RejectedExecutionException e) { // too many waiting on slow resolvers: fail fast
            responder.serverFailure(query).ifPresent(reply);
        }
    }

    /** The first upstream answer to {@code query}, or nothing when none came in time. */
    Optional<byte[]> exchange(byte[] query, boolean tcp) {
        for (InetSocketAddress upstream : upstreams) {
            try {
                return Optional.of(tcp ? overTcp(upstream, query) : overUdp(upstream, query));
            } catch (IOException | RuntimeException e) {
                LOG.debug("upstream resolver {} did not answer: {}", upstream, e.toString());
            }
        }
        return Optional.empty();
    }

    private byte[] overUdp(InetSocketAddress upstream, byte[] query) throws IOException {
        // opened on the origin namespace's thread: the socket lives in that namespace from then on
        try (DatagramChannel ch = origin.call(() -> DatagramChannel.open())) {
            ch.connect(upstream);
            ch.write(ByteBuffer.wrap(query));
            ch.socket().setSoTimeout(timeoutMillis);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            byte[] buffer = new byte[65535];
            while (true) {
                java.net.DatagramPacket packet = new java.net.DatagramPacket(buffer, buffer.length);
                ch.socket().receive(packet); // SocketTimeoutException at the deadline
                if (packet.getLength() >= 2 && buffer[0] == query[0] && buffer[1] == query[1]) {
                    return java.util.Arrays.copyOf(buffer, packet.getLength());
                }
                int left = (int) TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    throw new SocketTimeoutException("no answer with the query's id");
                }
                ch.socket().setSoTimeout(left); // a stray datagram: wait out the rest
            }
        }
    }

    private byte[] overTcp(InetSocketAddress upstream, byte[] query) throws IOException {
        try (SocketChannel ch = origin.call(() -> SocketChannel.open())) {
            ch.socket().connect(upstream, timeoutMillis);
            ch.socket().setSoTimeout(timeoutMillis);
            DataOutputStream out = new DataOutputStream(ch.socket().getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(ch.socket().getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
