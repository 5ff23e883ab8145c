package io.netmgr.dns;

import static io.netmgr.dns.NameIndexTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponderTest {
    private final Responder responder = new Responder();
    // asker "me" is on network n1 only; "far" is on n2 only
    private final NameTable names = new NameTable(
            Map.of("n1", Map.of("web", List.of(ip("10.0.0.2")), "both", List.of(ip("10.0.0.3"), ip("fd00::3")),
                            "many", many(60)),
                    "n2", Map.of("far", List.of(ip("10.9.0.2")))),
            Map.of("me", Set.of("n1"), "far", Set.of("n2")), Map.of());

    private static List<InetAddress> many(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> ip("10.0.1." + i)).toList();
    }

    private static byte[] query(String name, int type, boolean edns) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
        if (edns) {
            q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        return q.toWire();
    }

    private Message answer(byte[] query, String asker, boolean udp) throws Exception {
        Reply reply = responder.reply(query, names, asker, udp);
        assertThat(reply).isInstanceOf(Reply.Answer.class);
        return new Message(((Reply.Answer) reply).wire());
    }

    private static List<String> addresses(Message m) {
        List<String> out = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            out.add(r.rdataToString());
        }
        return out;
    }

    @Test
    void aKnownNameGetsItsAddressWithTheQuerysIdAndFlags() throws Exception {
        byte[] q = query("web", Type.A, false);
        Message a = answer(q, "me", true);
        assertThat(a.getHeader().getID()).isEqualTo(new Message(q).getHeader().getID());
        assertThat(a.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(a.getHeader().getFlag(Flags.RD)).as("echoed from the query").isTrue();
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getQuestion().getName()).isEqualTo(Name.fromString("web."));
        assertThat(addresses(a)).containsExactly("10.0.0.2");
        assertThat(((ARecord) a.getSection(Section.ANSWER).get(0)).getTTL()).isEqualTo(Responder.TTL_SECONDS);
    }

    @Test
    void aaaaAndAEachGetTheirFamily() throws Exception {
        assertThat(addresses(answer(query("BOTH.", Type.AAAA, false), "me", true))).containsExactly("fd00:0:0:0:0:0:0:3");
        assertThat(addresses(answer(query("both", Type.A, false), "me", true))).containsExactly("10.0.0.3");
    }

    @Test
    void aKnownNameWithoutThatFamilyIsAnEmptyNoError() throws Exception {
        Message a = answer(query("web", Type.AAAA, false), "me", true);
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getSection(Section.ANSWER)).isEmpty();
        Message mx = answer(query("web", Type.MX, false), "me", true);
        assertThat(mx.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(mx.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void aNameOnANetworkTheAskerIsNotOnIsNxdomain() throws Exception {
        assertThat(answer(query("far", Type.A, false), "me", true).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(answer(query("web", Type.A, false), "far", true).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(addresses(answer(query("far", Type.A, false), "far", true))).containsExactly("10.9.0.2");
    }

    @Test
    void anUnknownDottedNameIsForwardedAsSent() throws Exception {
        byte[] q = query("example.com", Type.A, true);
        Reply reply = responder.reply(q, names, "me", true);
        assertThat(reply).isInstanceOf(Reply.Forward.class);
        assertThat(((Reply.Forward) reply).query()).isEqualTo(q);
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        byte[] plain = query("many", Type.A, false);
        Message udp = answer(plain, "me", true);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(((Reply.Answer) responder.reply(plain, names, "me", true)).wire().length).isLessThanOrEqualTo(512);

        Message tcp = answer(plain, "me", false);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(addresses(tcp)).hasSize(60);

        Message edns = answer(query("many", Type.A, true), "me", true);
        assertThat(edns.getHeader().getFlag(Flags.TC)).as("fits the 4096 bytes EDNS offers").isFalse();
        assertThat(addresses(edns)).hasSize(60);
        assertThat(edns.getOPT()).isNotNull();
    }

    @Test
    void brokenOrForeignMessagesGetErrorsOrNothing() throws Exception {
        assertThat(responder.reply(new byte[5], names, "me", true)).isInstanceOf(Reply.Drop.class);

        byte[] garbage = query("web", Type.A, false);
        garbage = java.util.Arrays.copyOf(garbage, garbage.length - 3); // question cut short
        assertThat(answer(garbage, "me", true).getRcode()).isEqualTo(Rcode.FORMERR);

        Message response = new Message(query("web", Type.A, false));
        response.getHeader().setFlag(Flags.QR);
        assertThat(responder.reply(response.toWire(), names, "me", true)).as("a response is not answered").isInstanceOf(Reply.Drop.class);

        Message notify = new Message(query("web", Type.A, false));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(answer(notify.toWire(), "me", true).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void serverFailureKeepsTheId() throws Exception {
        byte[] q = query("example.com", Type.A, false);
        Message fail = new Message(responder.serverFailure(q).orElseThrow());
        assertThat(fail.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(fail.getHeader().getID()).isEqualTo(new Message(q).getHeader().getID());
    }
}
