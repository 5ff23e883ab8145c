package io.netmgr.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * HTTP/1.1 over a unix socket with the JDK alone (no HTTP library: the start time of the CLI and
 * of the CNI plugin is part of every call). One request per connection; bodies by
 * Content-Length or chunked.
 */
public final class UnixHttpClient {
    private final Path socket;

    public UnixHttpClient(Path socket) {
        this.socket = socket;
    }

    /** A response: status, headers (lower-case names) and the whole body. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public Response send(String method, String path, byte[] body) throws IOException {
        return send(method, path, List.of(), body);
    }

    /** Sends with extra header lines ({@code "Name: value"}, no line breaks). */
    public Response send(String method, String path, List<String> headers, byte[] body) throws IOException {
        try (SocketChannel channel = connect()) {
            write(channel, method, path, headers, body);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            Head head = readHead(in);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            readBody(in, head, chunk -> out.writeBytes(chunk));
            return new Response(head.status, head.headers, out.toByteArray());
        }
    }

    /**
     * Sends a GET and hands each line of a streamed body to {@code lines} until the server ends
     * it or the caller's thread is interrupted; returns the status and headers (body empty).
     */
    public Response stream(String path, Consumer<String> lines) throws IOException {
        try (SocketChannel channel = connect()) {
            write(channel, "GET", path, List.of(), null);
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
            Head head = readHead(in);
            if (head.status >= 300) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                readBody(in, head, out::writeBytes);
                return new Response(head.status, head.headers, out.toByteArray());
            }
            StringBuilder pending = new StringBuilder();
            readBody(in, head, chunk -> {
                pending.append(new String(chunk, StandardCharsets.UTF_8));
                for (int nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
                    lines.accept(pending.substring(0, nl));
                    pending.delete(0, nl + 1);
                }
            });
            return new Response(head.status, head.headers, new byte[0]);
        }
    }

    private SocketChannel connect() throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static void write(SocketChannel channel, String method, String path, List<String> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: netmgrd\r\nUser-Agent: netmgr\r\nAccept: application/json\r\nConnection: close\r\n");
        for (String header : headers) {
            if (header.indexOf('\r') >= 0 || header.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("header line with a line break: " + header);
            }
            head.append(header).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteBuffer h = ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer b = ByteBuffer.wrap(body == null ? new byte[0] : body);
        while (h.hasRemaining() || b.hasRemaining()) {
            channel.write(new ByteBuffer[] {h, b});
        }
    }

    private record Head(int status, Map<String, String> headers) {
    }

    private static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return new Head(Integer.parseInt(parts[1]), headers);
    }

    private interface Chunks {
        void accept(byte[] chunk) throws IOException;
    }

    private static void readBody(InputStream in, Head head, Chunks sink) throws IOException {
        if ("chunked".equalsIgnoreCase(head.headers.get("transfer-encoding"))) {
            for (int size = chunkSize(readLine(in)); size > 0; size = chunkSize(readLine(in))) {
                sink.accept(in.readNBytes(size));
                readLine(in); // CRLF after each chunk
            }
            return;
        }
        String length = head.headers.get("content-length");
        if (length != null) {
            sink.accept(in.readNBytes(Integer.parseInt(length)));
        } else if (head.status != 204 && head.status != 304) {
            sink.accept(in.readAllBytes()); // Connection: close delimits it
        }
    }

    private static int chunkSize(String line) throws IOException {
        int semi = line.indexOf(';');
        try {
            return Integer.parseInt((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line: " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                if (b.length() == 0) {
                    throw new IOException("connection closed by netmgrd");
                }
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
