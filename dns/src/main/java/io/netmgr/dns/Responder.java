package io.netmgr.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Answers one query from a container, from the names its networks give it:
 * <ul>
 * <li>a name known on a network the asker shares: its A or AAAA records (NOERROR with no record
 *     when the name has no address of the type asked, so resolvers do not give up on the name);</li>
 * <li>an unknown name of one label: NXDOMAIN here (a bare name is a container name or nothing;
 *     the host's resolvers are not asked about names like "db");</li>
 * <li>any other name: forwarded to the host's resolvers.</li>
 * </ul>
 * Answers over UDP fit the asker's buffer (512 bytes, or its EDNS size up to 4096); a longer one
 * is cut with TC set, and the resolver asks again over TCP. Stateless and thread-safe.
 */
public final class Responder {
    /** Short, as names move when containers restart; glibc caches nothing anyway. */
    static final long TTL_SECONDS = 60;
    private static final int UDP_PLAIN = 512;
    private static final int UDP_MAX = 4096;
    private static final int HEADER_BYTES = 12;

    /**
     * The reply to {@code wire}, a query from sandbox {@code askerId}; {@code udp} limits its size.
     */
    public Reply reply(byte[] wire, NameTable names, String askerId, boolean udp) {
        if (wire.length < HEADER_BYTES) {
            return new Reply.Drop();
        }
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return new Reply.Answer(headerOnly(wire, Rcode.FORMERR));
        }
        Header header = query.getHeader();
        if (header.getFlag(Flags.QR)) {
            return new Reply.Drop();
        }
        if (header.getOpcode() != Opcode.QUERY) {
            return new Reply.Answer(response(query, Rcode.NOTIMP).toWire());
        }
        Record question = query.getQuestion();
        if (question == null) {
            return new Reply.Answer(response(query, Rcode.FORMERR).toWire());
        }
        String name = NameTable.normalize(question.getName().toString());
        Optional<List<InetAddress>> known = question.getDClass() == DClass.IN ? names.lookup(askerId, name) : Optional.empty();
        if (known.isPresent()) {
            return new Reply.Answer(encode(query, answer(query, question, known.get()), udp));
        }
        if (!name.contains(".")) {
            Message nx = response(query, Rcode.NXDOMAIN);
            nx.getHeader().setFlag(Flags.AA);
            return new Reply.Answer(encode(query, nx, udp));
        }
        return new Reply.Forward(wire);
    }

    /** A SERVFAIL for {@code wire} (no upstream answered), or nothing when it cannot be parsed. */
    public Optional<byte[]> serverFailure(byte[] wire) {
        if (wire.length < HEADER_BYTES) {
            return Optional.empty();
        }
        try {
            return Optional.of(response(new Message(wire), Rcode.SERVFAIL).toWire());
        } catch (IOException e) {
            return Optional.of(headerOnly(wire, Rcode.SERVFAIL));
        }
    }

    private static Message answer(Message query, Record question, List<InetAddress> addresses) {
        Message m = response(query, Rcode.NOERROR);
        m.getHeader().setFlag(Flags.AA);
        Name name = question.getName();
        int type = question.getType();
        List<Record> records = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address && (type == Type.A || type == Type.ANY)) {
                records.add(new ARecord(name, DClass.IN, TTL_SECONDS, a));
            } else if (a instanceof Inet6Address && (type == Type.AAAA || type == Type.ANY)) {
                records.add(new AAAARecord(name, DClass.IN, TTL_SECONDS, a));
            }
        }
        if (records.size() > 1) {
            // a name with several addresses (an alias shared by replicas): spread clients over them
            Collections.shuffle(records, ThreadLocalRandom.current());
        }
        records.forEach(r -> m.addRecord(r, Section.ANSWER));
        return m;
    }

    private static Message response(Message query, int rcode) {
        Message m = new Message(query.getHeader().getID());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(rcode);
        Record question = query.getQuestion();
        if (question != null) {
            m.addRecord(question, Section.QUESTION);
        }
        if (query.getOPT() != null) {
            m.addRecord(new OPTRecord(UDP_MAX, 0, 0), Section.ADDITIONAL);
        }
        return m;
    }

    /** The largest answer {@code query}'s sender takes over UDP; TCP carries up to 65535 bytes. */
    private static byte[] encode(Message query, Message answer, boolean udp) {
        if (!udp) {
            return answer.toWire();
        }
        OPTRecord opt = query.getOPT();
        int limit = opt == null ? UDP_PLAIN : Math.max(UDP_PLAIN, Math.min(opt.getPayloadSize(), UDP_MAX));
        return answer.toWire(limit); // dnsjava drops what does not fit and sets TC
    }

    /** A reply made of the query's header alone: for a query too damaged to parse. */
    private static byte[] headerOnly(byte[] wire, int rcode) {
        Message m = new Message(((wire[0] & 0xff) << 8) | (wire[1] & 0xff));
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        return m.toWire();
    }
}
