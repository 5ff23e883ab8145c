package io.netmgr.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostResolvConfTest {

    @Test
    void readsNameserversAndTheLastSearchLine() {
        HostResolvConf conf = HostResolvConf.parse(List.of(
                "# generated", "; old style comment", "domain corp.example", "search a.example b.example",
                "nameserver 192.0.2.53", "nameserver   2001:db8::53 ", "nameserver resolver.example", "nameserver 300.1.1.1",
                "options edns0 ndots:2", "nameserver"));
        assertThat(conf.nameservers()).containsExactly(new InetSocketAddress("192.0.2.53", 53),
                new InetSocketAddress("2001:db8::53", 53));
        assertThat(conf.search()).containsExactly("a.example", "b.example");
    }

    @Test
    void aMissingFileMeansNoUpstream() {
        HostResolvConf conf = HostResolvConf.read(java.nio.file.Path.of("/nonexistent/resolv.conf"));
        assertThat(conf.nameservers()).isEmpty();
        assertThat(conf.search()).isEmpty();
    }
}
