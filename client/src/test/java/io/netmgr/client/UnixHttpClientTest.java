package io.netmgr.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers read as netmgrd's (Vert.x) come: by Content-Length or chunked, over a real unix socket. */
class UnixHttpClientTest {
    @TempDir
    Path dir;

    @Test
    void bodiesByLengthOrChunks() throws Exception {
        // chunk sizes count bytes: "hé" is 3 of them in UTF-8
        UnixHttpClient.Response chunked = answer("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nhé\r\n3\r\nllo\r\n0\r\n\r\n");
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.text()).isEqualTo("héllo");
        UnixHttpClient.Response plain = answer("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno");
        assertThat(plain.status()).isEqualTo(404);
        assertThat(plain.text()).isEqualTo("no");
    }

    /** What the client makes of {@code raw}, sent by a one-shot server after reading the request head. */
    private UnixHttpClient.Response answer(String raw) throws Exception {
        Path socket = dir.resolve("s" + System.nanoTime() + ".sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread serving = new Thread(() -> {
                try (SocketChannel c = server.accept()) {
                    c.read(ByteBuffer.allocate(4096)); // the request (head and small body) in one read
                    c.write(ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    // the client reports what it missed
                }
            });
            serving.start();
            UnixHttpClient.Response r = new UnixHttpClient(socket).send("POST", "/v1/cni", "{}".getBytes(StandardCharsets.UTF_8));
            serving.join();
            return r;
        }
    }
}
