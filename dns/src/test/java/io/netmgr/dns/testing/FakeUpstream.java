package io.netmgr.dns.testing;

import io.netmgr.dns.NameTable;
import io.netmgr.netlink.ns.NetNs;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A stand-in for the host's resolver, on a free port of a test namespace's loopback (UDP and
 * TCP): A records for the names it is given, NXDOMAIN for the rest; counts what it was asked.
 */
public final class FakeUpstream implements AutoCloseable {
    private final Map<String, InetAddress> names;
    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final InetSocketAddress address;
    private final AtomicInteger queries = new AtomicInteger();

    /** Serves {@code names} on 127.0.0.1 in {@code ns}, on a port free there. */
    public FakeUpstream(NetNs ns, Map<String, InetAddress> names) {
        this.names = Map.copyOf(names);
        this.udp = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)));
        int port = ((InetSocketAddress) ns.call(udp::getLocalAddress)).getPort();
        this.tcp = ns.call(() -> ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", port)));
        this.address = new InetSocketAddress("127.0.0.1", port);
        daemon(this::serveUdp);
        daemon(this::serveTcp);
    }

    public InetSocketAddress address() {
        return address;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "fake-upstream");
        t.setDaemon(true);
        t.start();
    }

    private byte[] answer(byte[] wire) throws IOException {
        queries.incrementAndGet();
        Message q = new Message(wire);
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setFlag(Flags.RA);
        Record question = q.getQuestion();
        a.addRecord(question, Section.QUESTION);
        InetAddress ip = names.get(NameTable.normalize(question.getName().toString()));
        if (ip == null) {
            a.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            a.addRecord(new ARecord(question.getName(), DClass.IN, 30, ip), Section.ANSWER);
        }
        return a.toWire();
    }

    private void serveUdp() {
        ByteBuffer buffer = ByteBuffer.allocate(65535);
        try {
            while (true) {
                buffer.clear();
                var from = udp.receive(buffer);
                buffer.flip();
                byte[] q = new byte[buffer.remaining()];
                buffer.get(q);
                udp.send(ByteBuffer.wrap(answer(q)), from);
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serveTcp() {
        try {
            while (true) {
                try (SocketChannel c = tcp.accept()) {
                    DataInputStream in = new DataInputStream(c.socket().getInputStream());
                    byte[] q = new byte[in.readUnsignedShort()];
                    in.readFully(q);
                    byte[] a = answer(q);
                    DataOutputStream out = new DataOutputStream(c.socket().getOutputStream());
                    out.writeShort(a.length);
                    out.write(a);
                    out.flush();
                } catch (IOException e) {
                    if (!tcp.isOpen()) {
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            // closed
        }
    }

    /** How many queries it answered. */
    public int queries() {
        return queries.get();
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
