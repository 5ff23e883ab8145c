package io.netmgr.store.etcd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS towards etcd: the CA that signed the members' certificates, and optionally this host's
 * client certificate and key (PEM; the key in PKCS#8) for an etcd started with
 * {@code --client-cert-auth}.
 */
public record EtcdTls(Path cacert, Optional<Path> cert, Optional<Path> key) {

    /**
     * Checks the three files together, naming the option at fault.
     *
     * @throws IllegalArgumentException when a file is missing or only one of cert and key is given
     */
    public EtcdTls {
        readable("--cluster-cacert", cacert);
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("--cluster-cert and --cluster-key go together: give both or neither");
        }
        cert.ifPresent(c -> readable("--cluster-cert", c));
        key.ifPresent(k -> readable("--cluster-key", k));
    }

    private static void readable(String option, Path file) {
        if (file == null || !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such readable file");
        }
    }
}
