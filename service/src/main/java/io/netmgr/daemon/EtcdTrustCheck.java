package io.netmgr.daemon;

import io.netmgr.store.etcd.EtcdEndpoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Tells why TLS to etcd failed at start when the CA is at fault: the etcd client only sees its
 * calls go unanswered, which reads as "unavailable". A handshake of the JDK's own with each member,
 * trusting only the given CA, shows whether a member's certificate was signed by another CA.
 */
final class EtcdTrustCheck {
    private static final int TIMEOUT_MILLIS = 2000;

    private EtcdTrustCheck() {
    }

    /** What is wrong with {@code cacert} for {@code endpoints}: empty when every member that answers is trusted. */
    static Optional<String> untrusted(EtcdEndpoints endpoints, Path cacert) {
        SSLContext tls;
        try (InputStream in = Files.newInputStream(cacert)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca" + n++, c);
            }
            if (n == 0) {
                return Optional.of("the file holds no certificate (PEM)");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
        } catch (IOException | GeneralSecurityException e) {
            return Optional.of("cannot be read as PEM certificates: " + e.getMessage());
        }
        for (String hostPort : endpoints.hostPorts()) {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.startHandshake();
            } catch (SSLHandshakeException e) {
                if (String.valueOf(e.getMessage()).contains("PKIX") || String.valueOf(e.getMessage()).contains("certification path")) {
                    return Optional.of("etcd member " + hostPort + " presents a certificate this CA did not sign");
                }
            } catch (IOException | RuntimeException unreachable) {
                // not a question of trust: the store's own error says it
            }
        }
        return Optional.empty();
    }
}
