package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.rt.Fdb;
import io.netmgr.netlink.rt.NeighbourCodec;
import io.netmgr.netlink.rt.Neighbours;
import io.netmgr.netlink.rt.Rt;
import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packing several requests into one send and matching the kernel's acknowledgements back to them. */
class NetlinkBatchTest {
    private static final int PORT = 4242;
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:aa");
    private static final FdbEntry FDB = FdbEntry.vxlan(7, MAC, IpAddress.parse("192.0.2.2").toInetAddress());
    private static final Neighbour NEIGH = Neighbour.permanent(7, IpAddress.parse("10.0.0.2").toInetAddress(), MAC);

    @Test
    void requestsArePackedBackToBackEachWithItsOwnSequenceAndAnAckRequest() {
        NetlinkBatch batch = new NetlinkBatch();
        Fdb.add(batch, FDB);
        Neighbours.set(batch, NEIGH);

        NetlinkBatch.Chunk chunk = batch.pack(0, 100, 0);

        byte[] fdb = NeighbourCodec.add(FDB).addFlags(Nl.F_REQUEST | Nl.F_ACK).toBytes(100);
        byte[] neigh = NeighbourCodec.set(NEIGH).addFlags(Nl.F_REQUEST | Nl.F_ACK).toBytes(101);
        assertThat(chunk.count()).isEqualTo(2);
        assertThat(bytes(chunk.bytes())).isEqualTo(concat(fdb, neigh));
        List<NetlinkMessage> sent = NetlinkMessage.split(chunk.bytes().duplicate().order(ByteOrder.nativeOrder()), chunk.bytes().remaining());
        assertThat(sent).extracting(NetlinkMessage::seq).containsExactly(100, 101);
        assertThat(sent).allSatisfy(m -> assertThat(m.flags() & (Nl.F_REQUEST | Nl.F_ACK)).isEqualTo(Nl.F_REQUEST | Nl.F_ACK));
    }

    @Test
    void aSendHoldsAtMostTheLimitAndTheRestGoesInTheNext() {
        NetlinkBatch batch = new NetlinkBatch();
        for (int i = 0; i < NetlinkBatch.MAX_MESSAGES + 3; i++) {
            Neighbours.set(batch, NEIGH);
        }
        NetlinkBatch.Chunk first = batch.pack(0, 1, PORT);
        NetlinkBatch.Chunk rest = batch.pack(first.count(), 1000, PORT);
        assertThat(first.count()).isEqualTo(NetlinkBatch.MAX_MESSAGES);
        assertThat(first.bytes().remaining()).isLessThanOrEqualTo(NetlinkBatch.MAX_BYTES);
        assertThat(rest.from()).isEqualTo(NetlinkBatch.MAX_MESSAGES);
        assertThat(rest.count()).isEqualTo(3);
    }

    @Test
    void aSendHoldsAtMostTheByteLimitWhenFewerMessagesThanTheCountLimitFillIt() {
        // 1 KiB messages (header, attribute header and payload): 32 fill a send exactly, so the bytes, not the count, cut it
        int size = 1024;
        NetlinkBatch batch = new NetlinkBatch();
        for (int i = 0; i < 40; i++) {
            batch.add(new MessageWriter(Rt.RTM_NEWNEIGH, Nl.F_REQUEST).attr(1, new byte[size - 16 - 4]), "message " + i);
        }
        NetlinkBatch.Chunk first = batch.pack(0, 1, PORT);
        NetlinkBatch.Chunk rest = batch.pack(first.count(), 1000, PORT);

        assertThat(first.count()).isEqualTo(NetlinkBatch.MAX_BYTES / size).isLessThan(NetlinkBatch.MAX_MESSAGES);
        assertThat(first.bytes().remaining()).isEqualTo(first.count() * size).isLessThanOrEqualTo(NetlinkBatch.MAX_BYTES);
        assertThat(rest.from()).isEqualTo(first.count());
        assertThat(rest.count()).isEqualTo(40 - first.count());
        assertThat(NetlinkMessage.split(first.bytes().duplicate().order(ByteOrder.nativeOrder()), first.bytes().remaining()))
                .as("whole messages only").hasSize(first.count()).allSatisfy(m -> assertThat(m.seq()).isBetween(1, first.count()));
    }

    @Test
    void aMessageLargerThanTheByteLimitStillGoesAloneInItsOwnSend() {
        NetlinkBatch batch = new NetlinkBatch();
        Neighbours.set(batch, NEIGH);
        batch.add(new MessageWriter(Rt.RTM_NEWNEIGH, Nl.F_REQUEST).attr(1, new byte[NetlinkBatch.MAX_BYTES]), "a huge one");

        NetlinkBatch.Chunk first = batch.pack(0, 1, PORT);
        NetlinkBatch.Chunk second = batch.pack(first.count(), 2, PORT);

        assertThat(first.count()).as("the small one alone: the huge one would cross the limit").isEqualTo(1);
        assertThat(second.count()).as("then the huge one, alone").isEqualTo(1);
        assertThat(second.bytes().remaining()).isGreaterThan(NetlinkBatch.MAX_BYTES);
    }

    @Test
    void eachAckIsMatchedToItsRequestAndOnlyUntoleratedErrorsFail() {
        NetlinkBatch batch = new NetlinkBatch();
        Fdb.add(batch, FDB);                      // seq 10: ok
        Neighbours.deleteIfPresent(batch, NEIGH); // seq 11: ENOENT, tolerated
        Neighbours.set(batch, NEIGH);             // seq 12: EINVAL, a failure of its own
        NetlinkBatch.Chunk chunk = batch.pack(0, 10, PORT);
        NetlinkBatch.Acks acks = batch.new Acks(chunk, PORT);

        // acknowledgements out of order, plus answers to other requests that must be ignored
        acks.accept(ack(12, PORT, Errno.EINVAL), "bad state");
        acks.accept(ack(9, PORT, 0), null);          // an earlier, abandoned request
        acks.accept(ack(11, PORT + 1, 0), null);     // another socket's
        assertThat(acks.complete()).isFalse();
        acks.accept(ack(10, PORT, 0), null);
        acks.accept(ack(11, PORT, Errno.ENOENT), null);
        assertThat(acks.complete()).isTrue();

        List<NetlinkException> failures = new ArrayList<>();
        acks.failuresTo(failures);
        assertThat(failures).singleElement().satisfies(e -> {
            assertThat(e.errno()).isEqualTo(Errno.EINVAL);
            assertThat(e.getMessage()).contains("set neighbour 10.0.0.2 lladdr 02:00:00:00:00:aa on link #7").contains("bad state");
        });
        assertThatThrownBy(() -> new NetlinkBatch.Result(3, failures).throwIfFailed()).isSameAs(failures.get(0));
    }

    // an NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK: error, then the request's header alone
    private static NetlinkMessage ack(int seq, int port, int errno) {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.nativeOrder());
        b.putInt(36).putShort((short) Nl.NLMSG_ERROR).putShort((short) Nl.F_CAPPED).putInt(seq).putInt(port);
        b.putInt(-errno);
        b.putInt(16).putShort((short) 28).putShort((short) 0).putInt(seq).putInt(port);
        b.flip();
        return NetlinkMessage.split(b, 36).get(0);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
