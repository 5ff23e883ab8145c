package io.netmgr.netlink;

import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Change requests sent several to one {@code sendto}, each with its own acknowledgement.
 *
 * <p>The kernel handles every message of a send in turn and acknowledges each (an error stops
 * nothing but its own message), so a batch costs one system call and one wake-up for many
 * requests instead of a round trip each; programming thousands of FDB and neighbour entries is
 * bound by that round trip. Acknowledgements are matched to their requests by sequence number,
 * and each request says which error it takes as done (ENOENT for a delete of an entry already
 * gone, say).
 *
 * <p>A send holds at most {@link #MAX_MESSAGES} messages and {@link #MAX_BYTES} bytes, so that
 * the acknowledgements it queues (one socket buffer each) fit the receive buffer.
 */
public final class NetlinkBatch {

    static final int MAX_MESSAGES = 128;
    static final int MAX_BYTES = 32 * 1024;

    /** One change request, and the error number that counts as done for it (0: none). */
    record Request(MessageWriter message, String operation, int toleratedErrno) {
    }

    /** What a batch did: the requests that failed, in the batch's order, each with its own error. */
    public record Result(int sent, List<NetlinkException> failures) {
        /** Throws the first failure (the others suppressed in it) when any request failed. */
        public void throwIfFailed() {
            if (failures.isEmpty()) {
                return;
            }
            NetlinkException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private final List<Request> requests = new ArrayList<>();

    /** Adds a request whose every error is a failure. */
    public NetlinkBatch add(MessageWriter message, String operation) {
        return add(message, operation, 0);
    }

    /** Adds a request for which error {@code toleratedErrno} (an {@code Errno} constant) means done. */
    public NetlinkBatch add(MessageWriter message, String operation, int toleratedErrno) {
        requests.add(new Request(message.addFlags(Nl.F_REQUEST | Nl.F_ACK), operation, toleratedErrno));
        return this;
    }

    public int size() {
        return requests.size();
    }

    public boolean isEmpty() {
        return requests.isEmpty();
    }

    Request request(int index) {
        return requests.get(index);
    }

    /** One send's worth of requests: {@code count} requests from {@code from}, numbered from {@code firstSeq}. */
    record Chunk(ByteBuffer bytes, int from, int count, int firstSeq) {
    }

    /**
     * Packs requests from {@code from} back to back, as many as the limits allow (at least one),
     * the i-th with sequence number {@code firstSeq + i}.
     */
    Chunk pack(int from, int firstSeq, int portId) {
        List<ByteBuffer> messages = new ArrayList<>();
        int bytes = 0;
        for (int i = from; i < requests.size() && messages.size() < MAX_MESSAGES; i++) {
            ByteBuffer m = requests.get(i).message().finish(firstSeq + messages.size(), portId);
            int aligned = Nl.align(m.remaining());
            if (!messages.isEmpty() && bytes + aligned > MAX_BYTES) {
                break;
            }
            messages.add(m);
            bytes += aligned;
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.nativeOrder());
        for (ByteBuffer m : messages) {
            int start = out.position();
            out.put(m);
            out.position(start + Nl.align(m.limit()));
        }
        out.flip();
        return new Chunk(out, from, messages.size(), firstSeq);
    }

    /** The acknowledgements of one chunk as they arrive, matched to its requests by sequence number. */
    final class Acks {
        private final Chunk chunk;
        private final int portId;
        private final boolean[] acked;
        private final NetlinkException[] errors;
        private int pending;

        Acks(Chunk chunk, int portId) {
            this.chunk = chunk;
            this.portId = portId;
            this.acked = new boolean[chunk.count()];
            this.errors = new NetlinkException[chunk.count()];
            this.pending = chunk.count();
        }

        /** Takes one received message; anything but an acknowledgement of this chunk is ignored. */
        void accept(NetlinkMessage m, String kernelMessage) {
            int index = m.seq() - chunk.firstSeq();
            if (m.type() != Nl.NLMSG_ERROR || m.portId() != portId || index < 0 || index >= chunk.count() || acked[index]) {
                return; // an answer to an earlier, abandoned request, or a repeat
            }
            acked[index] = true;
            pending--;
            int errno = -m.i32(0);
            Request request = requests.get(chunk.from() + index);
            if (errno != 0 && errno != request.toleratedErrno()) {
                errors[index] = new NetlinkException(request.operation(), errno, kernelMessage);
            }
        }

        boolean complete() {
            return pending == 0;
        }

        /** Adds this chunk's failures, in request order, to {@code out}. */
        void failuresTo(List<NetlinkException> out) {
            for (NetlinkException e : errors) {
                if (e != null) {
                    out.add(e);
                }
            }
        }
    }
}
