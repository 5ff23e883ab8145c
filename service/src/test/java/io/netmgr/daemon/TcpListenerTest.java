package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --tcp and the TLS flags accept and refuse, before any state is touched. */
class TcpListenerTest {
    @TempDir
    Path dir;

    @Test
    void loopbackNeedsNoTlsAnythingElseDoes() throws Exception {
        assertThat(TcpListener.parse("127.0.0.1:2375", null, null, null).toString()).isEqualTo("tcp://127.0.0.1:2375");
        assertThat(TcpListener.parse("[::1]:2375", null, null, null).tls()).isEmpty();
        assertThatThrownBy(() -> TcpListener.parse("0.0.0.0:2376", null, null, null))
                .hasMessageContaining("not a loopback address").hasMessageContaining("--tls-ca");
        Path f = Files.writeString(dir.resolve("x.pem"), "pem");
        assertThat(TcpListener.parse("0.0.0.0:2376", f, f, f).toString()).isEqualTo("tcp+tls://0.0.0.0:2376");
    }

    @Test
    void badAddressesPortsAndPartialTlsAreRefusedNamingTheFlag() throws Exception {
        Path f = Files.writeString(dir.resolve("x.pem"), "pem");
        assertThatThrownBy(() -> TcpListener.parse("2375", null, null, null)).hasMessageContaining("give HOST:PORT");
        assertThatThrownBy(() -> TcpListener.parse("127.0.0.1:0", null, null, null)).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> TcpListener.parse("127.0.0.1:http", null, null, null)).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> TcpListener.parse("example.com:2375", null, null, null))
                .hasMessageContaining("example.com is not an IP address");
        assertThatThrownBy(() -> TcpListener.parse("0.0.0.0:2376", f, f, null))
                .hasMessageContaining("TLS needs --tls-ca too");
        assertThatThrownBy(() -> TcpListener.parse("0.0.0.0:2376", f, dir.resolve("missing.pem"), f))
                .hasMessageContaining("--tls-key").hasMessageContaining("no such readable file");
    }
}
