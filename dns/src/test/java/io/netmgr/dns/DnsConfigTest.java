package io.netmgr.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class DnsConfigTest {

    @Test
    void upstreamsAreAddressesWithOptionalPorts() {
        assertThat(DnsConfig.parseUpstreams("192.0.2.53, 192.0.2.54:5353,2001:db8::53,[2001:db8::54]:5300,[2001:db8::55]",
                "--dns-upstream")).containsExactly(new InetSocketAddress("192.0.2.53", 53), new InetSocketAddress("192.0.2.54", 5353),
                new InetSocketAddress("2001:db8::53", 53), new InetSocketAddress("2001:db8::54", 5300),
                new InetSocketAddress("2001:db8::55", 53));
    }

    @Test
    void aBadEntryIsNamedWithTheField() {
        for (String bad : new String[] {"dns.example", "192.0.2.1:0", "192.0.2.1:99999", "192.0.2.300", "[2001:db8::1", ""}) {
            assertThatThrownBy(() -> DnsConfig.parseUpstreams("192.0.2.53," + bad, "--dns-upstream"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("bad resolver \"" + bad + "\" in --dns-upstream: give an IP address");
        }
    }
}
