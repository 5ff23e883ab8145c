package io.netmgr.daemon;

import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * netmgrd's optional TCP listener ({@code --tcp HOST:PORT}), beside the unix socket. The API
 * changes the host's networks, so it takes TLS with client certificates: a client must present a
 * certificate signed by {@code --tls-ca}, as dockerd's {@code --tlsverify}. Plain HTTP is served
 * on loopback only, and only when asked for explicitly ({@code --tls=false}, as dockerd 27 asks),
 * because the unix socket's file mode is then no longer what keeps other local users out.
 */
public record TcpListener(InetAddress host, int port, Optional<Tls> tls) {

    /** The server's certificate and key, and the CA that client certificates must be signed by (PEM files). */
    public record Tls(Path cert, Path key, Path clientCa) {
    }

    /**
     * Reads {@code --tcp} and the TLS flags; refuses (naming the flag and what to do) a bad
     * address, a partial TLS setup, a missing file, a non-loopback address without TLS, and
     * plain TCP on loopback unless {@code plainAccepted} ({@code --tls=false}).
     */
    public static TcpListener parse(String tcp, Path cert, Path key, Path clientCa, boolean plainAccepted) {
        int colon = tcp.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--tcp " + tcp + ": give HOST:PORT, e.g. 127.0.0.1:2375");
        }
        String hostText = tcp.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(tcp.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--tcp " + tcp + ": the port must be a number from 1 to 65535");
        }
        InetAddress host;
        try {
            // literal addresses only: a name would be looked up in DNS, and could change under us
            if (!hostText.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new UnknownHostException(hostText);
            }
            host = InetAddress.getByName(hostText);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--tcp " + tcp + ": " + hostText + " is not an IP address; give one, "
                    + "e.g. 127.0.0.1 or 0.0.0.0");
        }
        List<String> given = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Object[] flag : new Object[][] {{"--tls-cert", cert}, {"--tls-key", key}, {"--tls-ca", clientCa}}) {
            (flag[1] == null ? missing : given).add((String) flag[0]);
            if (flag[1] != null && !Files.isReadable((Path) flag[1])) {
                throw new IllegalArgumentException(flag[0] + " " + flag[1] + ": no such readable file");
            }
        }
        if (!given.isEmpty() && !missing.isEmpty()) {
            throw new IllegalArgumentException("TLS needs " + String.join(", ", missing) + " too (given: "
                    + String.join(", ", given) + ")");
        }
        Optional<Tls> tls = given.isEmpty() ? Optional.empty() : Optional.of(new Tls(cert, key, clientCa));
        if (tls.isEmpty() && !host.isLoopbackAddress()) {
            throw new IllegalArgumentException("--tcp " + tcp + " is not a loopback address: anyone who reaches it could "
                    + "change this host's networks, so give --tls-cert, --tls-key and --tls-ca (clients then need a "
                    + "certificate signed by that CA), or listen on 127.0.0.1");
        }
        if (tls.isPresent() && plainAccepted) {
            throw new IllegalArgumentException("--tls=false contradicts --tls-cert, --tls-key and --tls-ca: drop one or the other");
        }
        if (tls.isEmpty() && !plainAccepted) {
            throw new IllegalArgumentException("--tcp " + tcp + " without TLS lets every local user, root or not, change this "
                    + "host's networks and enter its namespaces; give --tls-cert, --tls-key and --tls-ca, or --tls=false "
                    + "to accept that");
        }
        return new TcpListener(host, port, tls);
    }

    /** What to warn about at start: empty with TLS. */
    Optional<String> warning() {
        return tls.isPresent() ? Optional.empty() : Optional.of("listening on " + this + " WITHOUT TLS (--tls=false): every "
                + "local user, root or not, can change this host's networks through it");
    }

    /** Vert.x server options for this listener. */
    HttpServerOptions options() {
        HttpServerOptions options = new HttpServerOptions().setHost(host.getHostAddress()).setPort(port);
        tls.ifPresent(t -> options.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(t.cert().toString()).setKeyPath(t.key().toString()))
                .setTrustOptions(new PemTrustOptions().addCertPath(t.clientCa().toString()))
                .setClientAuth(ClientAuth.REQUIRED));
        return options;
    }

    @Override
    public String toString() {
        String h = host.getHostAddress().contains(":") ? "[" + host.getHostAddress() + "]" : host.getHostAddress();
        return (tls.isPresent() ? "tcp+tls://" : "tcp://") + h + ":" + port;
    }
}
