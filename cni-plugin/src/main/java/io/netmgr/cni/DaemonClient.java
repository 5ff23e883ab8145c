package io.netmgr.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The fast path: hands a request to netmgrd over its unix socket ({@code POST /v1/cni}) with
 * the JDK's own unix-domain channels. The socket is the configuration's {@code daemonSocket}
 * ({@code ""} turns the fast path off), else {@value #DEFAULT_SOCKET}. No daemon, a refused
 * connection or an answer that is not a CNI response means: run in-process instead.
 */
final class DaemonClient {
    static final String DEFAULT_SOCKET = "/run/netmgr/netmgr.sock";

    private DaemonClient() {
    }

    static Optional<CniResponse> forward(CniRequest request) {
        Optional<Path> socket = socketOf(request.stdin());
        if (socket.isEmpty() || !Files.exists(socket.get())) {
            return Optional.empty();
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket.get()));
            byte[] body = CniWire.encodeRequest(request).getBytes(StandardCharsets.UTF_8);
            String head = "POST " + CniWire.PATH + " HTTP/1.1\r\nHost: netmgr\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            writeFully(ch, head.getBytes(StandardCharsets.US_ASCII));
            writeFully(ch, body);
            return HttpAnswer.parse(readAll(ch)).filter(a -> a.status() == 200).map(a -> CniWire.decodeResponse(a.body()));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("netmgr-cni: daemon at " + socket.get() + " not usable (" + e.getMessage() + "), running in-process");
            return Optional.empty();
        }
    }

    static Optional<Path> socketOf(String stdin) {
        try {
            Map<String, Object> conf = Json.parseObject(stdin);
            Object v = conf.get("daemonSocket");
            if (v instanceof String s) {
                return s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s));
            }
        } catch (IllegalArgumentException e) {
            // a malformed configuration is the handler's to report, with the right code
        }
        return Optional.of(Path.of(DEFAULT_SOCKET));
    }

    private static void writeFully(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(16384);
        while (ch.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }

    /** The status and body of an HTTP/1.1 answer (Content-Length, chunked, or until close). */
    record HttpAnswer(int status, String body) {
        static Optional<HttpAnswer> parse(byte[] raw) {
            String head = new String(raw, 0, Math.min(raw.length, 8192), StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            if (!head.startsWith("HTTP/1.") || end < 0) {
                return Optional.empty();
            }
            String[] lines = head.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            boolean chunked = false;
            for (String l : lines) {
                chunked |= l.toLowerCase(java.util.Locale.ROOT).replace(" ", "").equals("transfer-encoding:chunked");
            }
            int bodyStart = end + 4; // the head is ASCII, so its length in chars is its length in bytes
            byte[] body = chunked ? dechunk(raw, bodyStart) : java.util.Arrays.copyOfRange(raw, bodyStart, raw.length);
            return Optional.of(new HttpAnswer(status, new String(body, StandardCharsets.UTF_8)));
        }

        private static byte[] dechunk(byte[] raw, int pos) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (pos < raw.length) {
                int eol = pos;
                while (eol + 1 < raw.length && !(raw[eol] == '\r' && raw[eol + 1] == '\n')) {
                    eol++;
                }
                String sizeText = new String(raw, pos, eol - pos, StandardCharsets.US_ASCII).split(";")[0].trim();
                int size = Integer.parseInt(sizeText, 16);
                if (size == 0 || eol + 2 + size > raw.length) {
                    break;
                }
                out.write(raw, eol + 2, size);
                pos = eol + 2 + size + 2;
            }
            return out.toByteArray();
        }
    }
}
