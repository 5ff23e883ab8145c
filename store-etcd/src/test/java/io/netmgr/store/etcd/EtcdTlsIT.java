package io.netmgr.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.store.StoreException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An etcd that serves clients over TLS only and asks for their certificates (--client-cert-auth). */
@Timeout(120)
class EtcdTlsIT {

    @RegisterExtension
    static final EtcdCluster ETCD = EtcdCluster.members(1).withTls();

    @Test
    void aClientWithTheCaItsCertificateAndKeyIsServed() {
        try (EtcdStore store = ETCD.store("/tls/")) {
            long rev = store.txn().put("k", "v".getBytes(UTF_8)).commit().revision();

            assertThat(store.get("k").orElseThrow().modRevision()).isEqualTo(rev);
        }
    }

    @Test
    void plainHttpOrNoClientCertificateIsRefusedAtConnect() {
        EtcdStore.Config plain = new EtcdStore.Config(ETCD.endpoints()).withRoot("/tls/");
        EtcdTls caOnly = new EtcdTls(ETCD.tls().cacert(), Optional.empty(), Optional.empty());

        assertThatThrownBy(() -> EtcdStore.connect(plain)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cluster store unavailable: " + ETCD.url() + ": ");
        assertThatThrownBy(() -> EtcdStore.connect(plain.withTls(Optional.of(caOnly)))).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cluster store unavailable: " + ETCD.url() + ": ");
    }
}
