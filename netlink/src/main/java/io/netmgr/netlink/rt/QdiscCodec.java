package io.netmgr.netlink.rt;

import static io.netmgr.netlink.rt.Rt.*;

import io.netmgr.netlink.qdisc.Discipline;
import io.netmgr.netlink.qdisc.OtherDiscipline;
import io.netmgr.netlink.qdisc.Qdisc;
import io.netmgr.netlink.qdisc.Tbf;
import io.netmgr.netlink.wire.Attributes;
import io.netmgr.netlink.wire.MessageWriter;
import io.netmgr.netlink.wire.NetlinkMessage;
import io.netmgr.netlink.wire.Nl;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Encodes qdisc requests and decodes RTM_NEWQDISC answers (struct tcmsg + TCA_*), with the
 * tbf options (struct tc_tbf_qopt, TCA_TBF_*). Pure: no sockets, testable byte for byte.
 */
public final class QdiscCodec {
    private static final long U32_MAX = 0xFFFF_FFFFL;
    /** PSCHED_SHIFT: the kernel's tc clock ticks every 64 ns. */
    private static final int TICK_SHIFT = 6;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private QdiscCodec() {
    }

    /**
     * RTM_NEWQDISC putting {@code tbf} on the link's egress, as {@code tc qdisc replace dev X root tbf}:
     * a root tbf already there is changed in place, any other root qdisc replaced.
     */
    public static MessageWriter replaceRoot(int linkIndex, Tbf tbf) {
        validate(linkIndex, tbf);
        MessageWriter w = new MessageWriter(RTM_NEWQDISC, Nl.F_CREATE | Nl.F_REPLACE);
        tcmsg(w, linkIndex, 0, Qdisc.ROOT); // handle 0: the kernel picks one
        w.attrString(TCA_KIND, tbf.kind());
        int options = w.beginNested(TCA_OPTIONS);
        w.attr(TCA_TBF_PARMS, tbfParameters(tbf));
        if (tbf.rateBytesPerSecond() > U32_MAX) {
            w.attrU64(TCA_TBF_RATE64, tbf.rateBytesPerSecond());
        }
        // the burst in bytes: the kernel derives the bucket's time from it and the rate
        w.attrU32(TCA_TBF_BURST, (int) tbf.burstBytes());
        w.endNested(options);
        return w;
    }

    /** RTM_DELQDISC of the link's root qdisc; the device falls back to its default. */
    public static MessageWriter deleteRoot(int linkIndex) {
        MessageWriter w = new MessageWriter(RTM_DELQDISC, 0);
        return tcmsg(w, linkIndex, 0, Qdisc.ROOT);
    }

    /** RTM_GETQDISC dump of every qdisc in the namespace. */
    public static MessageWriter dump() {
        return tcmsg(new MessageWriter(RTM_GETQDISC, Nl.F_DUMP), 0, 0, 0);
    }

    private static MessageWriter tcmsg(MessageWriter w, int linkIndex, int handle, int parent) {
        return w.u8(AF_UNSPEC).u8(0).u16(0).u32(linkIndex).u32(handle).u32(parent).u32(0);
    }

    /**
     * struct tc_tbf_qopt. The rate says linklayer ethernet, which spares a rate table; buffer
     * is left 0 for the kernel to derive from TCA_TBF_BURST; no peak rate, so no peakrate and mtu.
     */
    private static byte[] tbfParameters(Tbf tbf) {
        ByteBuffer b = ByteBuffer.allocate(TC_TBF_QOPT_LEN).order(ByteOrder.nativeOrder());
        b.put((byte) 0).put((byte) TC_LINKLAYER_ETHERNET).putShort((short) 0).putShort((short) 0).putShort((short) 0); // cell_log, linklayer, overhead, cell_align, mpu
        b.putInt((int) Math.min(tbf.rateBytesPerSecond(), U32_MAX)); // beyond 32 bits TCA_TBF_RATE64 carries it
        b.put(new byte[12]); // peakrate
        b.putInt((int) tbf.limitBytes()).putInt(0).putInt(0); // limit, buffer, mtu
        return b.array();
    }

    private static void validate(int linkIndex, Tbf tbf) {
        if (linkIndex <= 0) {
            throw new IllegalArgumentException("tbf needs a link index, got " + linkIndex);
        }
        tbf.checked();
    }

    /** Decodes an RTM_NEWQDISC message; other messages give {@code null}. */
    public static Qdisc decode(NetlinkMessage m) {
        if (m.type() != RTM_NEWQDISC) {
            return null;
        }
        int linkIndex = m.i32(4);
        int handle = m.i32(8);
        int parent = m.i32(12);
        Attributes at = m.attributes(TCMSG_LEN);
        String kind = at.string(TCA_KIND).orElse("");
        Discipline d = kind.equals("tbf") ? at.nested(TCA_OPTIONS).flatMap(QdiscCodec::tbf).orElse(null) : null;
        return new Qdisc(linkIndex, handle, parent, d != null ? d : new OtherDiscipline(kind));
    }

    private static Optional<Discipline> tbf(Attributes options) {
        return options.bytes(TCA_TBF_PARMS).filter(b -> b.length >= TC_TBF_QOPT_LEN).map(b -> {
            ByteBuffer p = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
            long rate = options.u64(TCA_TBF_RATE64, Integer.toUnsignedLong(p.getInt(8)));
            long limit = Integer.toUnsignedLong(p.getInt(24));
            long bufferNanos = Integer.toUnsignedLong(p.getInt(28)) << TICK_SHIFT;
            // what the bucket holds: the bytes the rate sends in the buffer's time (< 2^38 ns * rate: exact in 128 bits)
            long burst = BigInteger.valueOf(bufferNanos).multiply(BigInteger.valueOf(rate))
                    .divide(BigInteger.valueOf(NANOS_PER_SECOND)).longValue();
            return new Tbf(rate, burst, limit);
        });
    }
}
