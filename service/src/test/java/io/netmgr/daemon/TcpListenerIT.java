package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * netmgrd on TCP, checked with curl on loopback: plain HTTP where that is allowed, and TLS that
 * lets in a client with a certificate from the configured CA and nobody else. Certificates are
 * made for the test with openssl.
 */
class TcpListenerIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();
    @TempDir
    Path pki;

    @BeforeEach
    void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=netmgr test CA",
                "-keyout", "ca.key", "-out", "ca.pem");
        for (String who : new String[] {"server", "client"}) {
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + who, "-keyout", who + ".key", "-out", who + ".csr");
            java.nio.file.Files.writeString(pki.resolve(who + ".ext"), who.equals("server")
                    ? "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n");
            openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                    "-extfile", who + ".ext", "-out", who + ".pem");
        }
        // a client certificate from a CA the daemon does not trust
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=stranger",
                "-keyout", "stranger.key", "-out", "stranger.pem");
    }

    @Test
    void plainOnLoopbackAndTlsWithClientCertificatesOnly() throws Exception {
        int plain = freePort();
        int tls = freePort();
        try (RunningDaemon d1 = new RunningDaemon(netns.create("tcp"), Optional.of(TcpListener.parse("127.0.0.1:" + plain, null, null, null, true)))) {
            assertThat(curl("http://127.0.0.1:" + plain + "/v1/networks?name=bridge")).contains("\"name\":\"bridge\"");
        }
        TcpListener secured = TcpListener.parse("127.0.0.1:" + tls, pki.resolve("server.pem"), pki.resolve("server.key"),
                pki.resolve("ca.pem"), false);
        try (RunningDaemon d2 = new RunningDaemon(netns.create("tls"), Optional.of(secured))) {
            String url = "https://127.0.0.1:" + tls + "/health";
            assertThat(curl(url, "--cacert", pki.resolve("ca.pem").toString(), "--cert", pki.resolve("client.pem").toString(),
                    "--key", pki.resolve("client.key").toString())).contains("\"status\":\"ok\"");
            assertThat(curl(url, "--cacert", pki.resolve("ca.pem").toString())).as("no client certificate").startsWith("curl failed");
            assertThat(curl(url, "--cacert", pki.resolve("ca.pem").toString(), "--cert",
                    pki.resolve("stranger.pem").toString(), "--key", pki.resolve("stranger.key").toString()))
                    .as("a certificate from another CA").startsWith("curl failed");
            assertThat(curl("http://127.0.0.1:" + tls + "/health")).as("plain HTTP on the TLS port").doesNotContain("ok");
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** What curl printed, or "curl failed (exit N)". */
    private static String curl(String url, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5"));
        command.addAll(List.of(options));
        command.add(url);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        return exit == 0 ? out : "curl failed (exit " + exit + ")";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
