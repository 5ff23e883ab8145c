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
    void plainTcpOnlyOnLoopbackAndOnlyWhenAskedForExplicitly() throws Exception {
        assertThatThrownBy(() -> TcpListener.parse("127.0.0.1:2375", null, null, null, false))
                .hasMessageContaining("without TLS lets every local user").hasMessageContaining("--tls=false");
        TcpListener plain = TcpListener.parse("127.0.0.1:2375", null, null, null, true);
        assertThat(plain.toString()).isEqualTo("tcp://127.0.0.1:2375");
        assertThat(plain.warning()).hasValueSatisfying(w -> assertThat(w).contains("WITHOUT TLS"));
        assertThat(TcpListener.parse("[::1]:2375", null, null, null, true).tls()).isEmpty();
        assertThatThrownBy(() -> TcpListener.parse("0.0.0.0:2376", null, null, null, true))
                .hasMessageContaining("not a loopback address").hasMessageContaining("--tls-ca");
        Path f = Files.writeString(dir.resolve("x.pem"), "pem");
        TcpListener secured = TcpListener.parse("0.0.0.0:2376", f, f, f, false);
        assertThat(secured.toString()).isEqualTo("tcp+tls://0.0.0.0:2376");
        assertThat(secured.warning()).isEmpty();
        assertThatThrownBy(() -> TcpListener.parse("127.0.0.1:2376", f, f, f, true)).hasMessageContaining("--tls=false contradicts");
    }

    @Test
    void badAddressesPortsAndPartialTlsAreRefusedNamingTheFlag() throws Exception {
        Path f = Files.writeString(dir.resolve("x.pem"), "pem");
        assertThatThrownBy(() -> TcpListener.parse("2375", null, null, null, false)).hasMessageContaining("give HOST:PORT");
        assertThatThrownBy(() -> TcpListener.parse("127.0.0.1:0", null, null, null, false)).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> TcpListener.parse("127.0.0.1:http", null, null, null, false)).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> TcpListener.parse("example.com:2375", null, null, null, false))
                .hasMessageContaining("example.com is not an IP address");
        assertThatThrownBy(() -> TcpListener.parse("0.0.0.0:2376", f, f, null, false))
                .hasMessageContaining("TLS needs --tls-ca too");
        assertThatThrownBy(() -> TcpListener.parse("0.0.0.0:2376", f, dir.resolve("missing.pem"), f, false))
                .hasMessageContaining("--tls-key").hasMessageContaining("no such readable file");
    }
}
