package io.netmgr.netlink;

import io.netmgr.netlink.sys.Native;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The direct buffers netlink answers are read into, shared by every socket. A read needs one
 * only while {@code recv} runs (the messages are copied out), so a handful serves any number of
 * sockets. Giving each socket its own cost {@value #SIZE} bytes of native memory per socket,
 * freed only when a GC happens to collect it: a daemon opening a socket per join piled up tens
 * of MB of them and left the C heap fragmented.
 */
final class ReceiveBuffers {
    /** The largest batch the kernel may send at once: a dump packs as many messages as fit. */
    static final int SIZE = 256 * 1024;
    /** Buffers kept for reuse; more exist only while more threads read at the same moment. */
    private static final int KEPT = 4;

    private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_COUNT = new AtomicInteger();

    private ReceiveBuffers() {
    }

    /** A cleared buffer of {@link #SIZE} bytes, to hand back with {@link #release} after the read. */
    static ByteBuffer take() {
        ByteBuffer b = FREE.poll();
        if (b == null) {
            return Native.direct(SIZE);
        }
        FREE_COUNT.decrementAndGet();
        return b.clear();
    }

    static void release(ByteBuffer b) {
        if (FREE_COUNT.incrementAndGet() <= KEPT) {
            FREE.offer(b);
        } else {
            FREE_COUNT.decrementAndGet(); // enough kept: this one goes with the next GC
        }
    }
}
