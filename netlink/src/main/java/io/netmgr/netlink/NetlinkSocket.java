package io.netmgr.netlink;

import static io.netmgr.netlink.sys.Native.check;

import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.sys.LibC;
import io.netmgr.netlink.sys.Native;
import io.netmgr.netlink.sys.SystemCallException;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A netlink socket of one protocol, bound in the network namespace of the thread that opened
 * it (and staying bound to it). Requests are serialized: one request and its answer at a time.
 */
public final class NetlinkSocket implements AutoCloseable {
    public static final int NETLINK_ROUTE = 0;
    public static final int NETLINK_GENERIC = 16;

    private static final int RECV_BUFFER = 1 << 20;
    private static final AtomicInteger SEQUENCE = new AtomicInteger((int) (System.nanoTime() & 0xffff));

    private final LibC libc = Native.libc();
    private final int fd;
    private final int portId;
    private final ByteBuffer sockaddr = Native.direct(12);
    private ByteBuffer sendBuffer = Native.direct(4096); // reused: allocating direct memory per request costs more than the syscall
    private volatile boolean closed;

    private NetlinkSocket(int fd, int portId) {
        this.fd = fd;
        this.portId = portId;
    }

    /** Opens a socket of {@code protocol} in the calling thread's network namespace. */
    public static NetlinkSocket open(int protocol) {
        return open(protocol, 0);
    }

    /** Opens a socket subscribed to the multicast {@code groups} bitmask (for events). */
    public static NetlinkSocket open(int protocol, int groups) {
        LibC libc = Native.libc();
        int fd = check(libc.socket(Native.AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, protocol),
                "open netlink socket (protocol " + protocol + ")");
        try {
            // A dump of thousands of objects must not overflow the default receive buffer;
            // FORCE works as root and the plain option is the fallback otherwise.
            if (libc.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVBUFFORCE, Native.direct(4).putInt(0, RECV_BUFFER), 4) < 0) {
                Native.setIntOption(fd, Native.SOL_SOCKET, Native.SO_RCVBUF, RECV_BUFFER, "SO_RCVBUF");
            }
            Native.setIntOption(fd, Native.SOL_NETLINK, Native.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            Native.setIntOption(fd, Native.SOL_NETLINK, Native.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
            ByteBuffer addr = Native.direct(12);
            addr.putShort(0, (short) Native.AF_NETLINK).putInt(8, groups);
            check(libc.bind(fd, addr, 12), "bind netlink socket");
            ByteBuffer len = Native.direct(4).putInt(0, 12);
            check(libc.getsockname(fd, addr, len), "getsockname of netlink socket");
            return new NetlinkSocket(fd, addr.getInt(4));
        } catch (RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    public int portId() {
        return portId;
    }

    public int fd() {
        return fd;
    }

    /** Sends a request that changes something and waits for the kernel's acknowledgement. */
    public synchronized void execute(MessageWriter request, String operation) {
        request.addFlags(Nl.F_REQUEST | Nl.F_ACK);
        int seq = send(request);
        receive(seq, operation, m -> null, false);
    }

    /**
     * Sends a request and collects every answer message, parsed by {@code parser}
     * ({@code null} results are dropped): for dumps and for gets.
     */
    public synchronized <T> List<T> query(MessageWriter request, String operation, Function<NetlinkMessage, T> parser) {
        request.addFlags(Nl.F_REQUEST | Nl.F_ACK);
        int seq = send(request);
        return receive(seq, operation, parser, (request.flags() & Nl.F_DUMP) == Nl.F_DUMP);
    }

    /** Blocks for the next batch of (multicast) messages; for event subscribers. */
    public List<NetlinkMessage> receiveAny() {
        return readBatch("receive netlink events");
    }

    /**
     * Sends the batch's requests several to a send and waits for every acknowledgement; each
     * request's error (other than the one it tolerates) is reported for that request alone.
     */
    public synchronized NetlinkBatch.Result execute(NetlinkBatch batch) {
        List<NetlinkException> failures = new ArrayList<>();
        int from = 0;
        while (from < batch.size()) {
            // sequence numbers for a whole send, however many it ends up holding
            int firstSeq = SEQUENCE.getAndAdd(NetlinkBatch.MAX_MESSAGES) + 1;
            NetlinkBatch.Chunk chunk = batch.pack(from, firstSeq, portId);
            sendBytes(chunk.bytes());
            NetlinkBatch.Acks acks = batch.new Acks(chunk, portId);
            String operation = batch.request(from).operation() + " (and " + (chunk.count() - 1) + " more in one batch)";
            while (!acks.complete()) {
                for (NetlinkMessage m : readBatch(operation)) {
                    acks.accept(m, m.type() == Nl.NLMSG_ERROR ? extAckMessage(m) : null);
                }
            }
            acks.failuresTo(failures);
            from += chunk.count();
        }
        return new NetlinkBatch.Result(batch.size(), failures);
    }

    private int send(MessageWriter request) {
        int seq = SEQUENCE.incrementAndGet();
        sendBytes(request.finish(seq, portId));
        return seq;
    }

    private void sendBytes(ByteBuffer bytes) {
        if (closed) {
            throw new IllegalStateException("netlink socket is closed");
        }
        if (sendBuffer.capacity() < bytes.remaining()) {
            sendBuffer = Native.direct(Integer.highestOneBit(bytes.remaining()) * 2);
        }
        ByteBuffer direct = sendBuffer.clear();
        direct.put(bytes).flip();
        sockaddr.putShort(0, (short) Native.AF_NETLINK);
        long sent = libc.sendto(fd, direct, direct.remaining(), 0, sockaddr, 12);
        check(sent, "send netlink request");
    }

    private <T> List<T> receive(int seq, String operation, Function<NetlinkMessage, T> parser, boolean dump) {
        List<T> results = new ArrayList<>();
        while (true) {
            for (NetlinkMessage m : readBatch(operation)) {
                if (m.seq() != seq || m.portId() != portId) {
                    continue; // an answer to an earlier, abandoned request
                }
                switch (m.type()) {
                    case Nl.NLMSG_ERROR -> {
                        int error = -m.i32(0);
                        if (error != 0) {
                            throw new NetlinkException(operation, error, extAckMessage(m));
                        }
                        return results; // the ACK ends both plain requests and dumps
                    }
                    case Nl.NLMSG_DONE -> {
                        int error = m.length() >= Nl.HEADER_LEN + 4 ? -m.i32(0) : 0;
                        if (error != 0) {
                            throw new NetlinkException(operation, error, null);
                        }
                        if ((m.flags() & Nl.F_DUMP_INTR) != 0) {
                            throw new NetlinkException(operation + " (dump interrupted by a concurrent change; retry)",
                                    Errno.EINTR, null);
                        }
                        if (dump) {
                            return results; // a dump ends with DONE; the kernel sends no ACK after it
                        }
                    }
                    case Nl.NLMSG_NOOP, Nl.NLMSG_OVERRUN -> {
                    }
                    default -> {
                        T t = parser.apply(m);
                        if (t != null) {
                            results.add(t);
                        }
                    }
                }
            }
        }
    }

    private List<NetlinkMessage> readBatch(String operation) {
        ByteBuffer readBuffer = ReceiveBuffers.take();
        try {
            long n = libc.recv(fd, readBuffer, ReceiveBuffers.SIZE, Native.MSG_TRUNC);
            if (n < 0) {
                int errno = Native.lastErrno();
                if (errno == Errno.EINTR) {
                    return List.of();
                }
                if (errno == Errno.ENOBUFS) {
                    throw new SystemCallException(operation + ": the kernel dropped netlink messages "
                            + "(receive buffer overrun)", errno);
                }
                throw new SystemCallException(operation + ": recv", errno);
            }
            if (n > ReceiveBuffers.SIZE) {
                throw new SystemCallException(operation + ": netlink message of " + n + " bytes exceeds the "
                        + ReceiveBuffers.SIZE + " byte read buffer", Errno.EMSGSIZE);
            }
            // Copy out so parsed messages stay valid after the buffer serves the next read.
            ByteBuffer copy = ByteBuffer.allocate((int) n).order(ByteOrder.nativeOrder());
            readBuffer.limit((int) n);
            copy.put(readBuffer).flip();
            return NetlinkMessage.split(copy, (int) n);
        } finally {
            ReceiveBuffers.release(readBuffer);
        }
    }

    private static String extAckMessage(NetlinkMessage m) {
        if ((m.flags() & Nl.F_ACK_TLVS) == 0) {
            return null;
        }
        // nlmsgerr: int error + the request's header (capped: no payload), then TLVs.
        int tlvStart = m.bodyOffset() + 4 + Nl.HEADER_LEN;
        if ((m.flags() & Nl.F_CAPPED) == 0) {
            tlvStart = m.bodyOffset() + 4 + Nl.align(m.buf().getInt(m.bodyOffset() + 4));
        }
        if (tlvStart >= m.end()) {
            return null;
        }
        return Attributes.parse(m.buf(), tlvStart, m.end()).string(Nl.NLMSGERR_ATTR_MSG).orElse(null);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
