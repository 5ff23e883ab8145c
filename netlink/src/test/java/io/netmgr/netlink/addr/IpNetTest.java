package io.netmgr.netlink.addr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing and writing addresses with prefixes, IPv6 as RFC 5952 says. */
class IpNetTest {

    @Test
    void ipv4WithAndWithoutPrefix() {
        IpNet net = IpNet.parse("10.1.0.2/24");
        assertThat(net.address()).isEqualTo(IpAddress.parse("10.1.0.2"));
        assertThat(net.address().toInetAddress()).isInstanceOf(Inet4Address.class).hasToString("/10.1.0.2");
        assertThat(net.prefixLength()).isEqualTo(24);
        assertThat(net.family()).isEqualTo(IpFamily.V4);
        assertThat(net.isIpv6()).isFalse();
        assertThat(net).hasToString("10.1.0.2/24");
        assertThat(IpNet.parse("10.1.0.2")).isEqualTo(IpNet.parse("10.1.0.2/32"));
    }

    @Test
    void ipv6WithAndWithoutPrefix() {
        IpNet net = IpNet.parse("fd00::2/64");
        assertThat(net.address().toInetAddress()).isInstanceOf(Inet6Address.class);
        assertThat(net.prefixLength()).isEqualTo(64);
        assertThat(net.family()).isEqualTo(IpFamily.V6);
        assertThat(net.isIpv6()).isTrue();
        assertThat(net).hasToString("fd00::2/64");
        assertThat(IpNet.parse("fd00::2")).isEqualTo(IpNet.parse("fd00::2/128"));
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
            "fd00:0:0:0:0:0:0:2, fd00::2",
            "0:0:0:0:0:0:0:1, ::1",
            "0:0:0:0:0:0:0:0, ::",
            "1:0:0:1:0:0:0:1, 1:0:0:1::1",              // the longest run of zeros is shortened
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",  // of two as long, the first
            "fe80:0:0:0:1:0:0:0, fe80::1:0:0:0",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // a single zero group stays
            "2001:0db8:0000:0000:0000:0000:0000:000a, 2001:db8::a", // no leading zeros
            "2001:DB8::A, 2001:db8::a",                 // lower case
            "1:0:0:0:0:0:0:0, 1::",
            "::ffff:10.3.0.1, ::ffff:10.3.0.1",         // IPv4-mapped: dotted, and still IPv6 (section 5)
            "0:0:0:0:0:ffff:a03:1, ::ffff:10.3.0.1",
            "10.1.0.2, 10.1.0.2"})
    void formatIsRfc5952(String in, String out) {
        assertThat(IpNet.parse(in).address()).hasToString(out);
        assertThat(IpNet.parse(out).address()).as("again").hasToString(out);
    }

    @Test
    void ipv4MappedIpv6StaysIpv6() {
        IpNet mapped = IpNet.parse("::ffff:10.3.0.1/96");
        assertThat(mapped.family()).isEqualTo(IpFamily.V6);
        assertThat(mapped.address().toInetAddress()).isInstanceOf(Inet6Address.class);
        assertThat(mapped.address().toBytes()).hasSize(16);
        assertThat(mapped.network()).hasToString("::ffff:0.0.0.0/96");
        assertThat(mapped.contains(IpAddress.parse("::ffff:10.9.9.9"))).isTrue();
        assertThat(mapped.contains(IpAddress.parse("10.3.0.1"))).as("the IPv4 address itself").isFalse();
        assertThat(IpAddress.of(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 3, 0, 1}))
                .isEqualTo(mapped.address());
        assertThat(IpAddress.of(mapped.address().toInetAddress())).as("through the JDK and back").isEqualTo(mapped.address());
    }

    @Test
    void networkBroadcastAndContains() {
        IpNet net = IpNet.parse("10.1.0.2/24");
        assertThat(net.network()).hasToString("10.1.0.0/24");
        assertThat(net.prefix()).isEqualTo(IpPrefix.parse("10.1.0.0/24"));
        assertThat(net.broadcast()).hasToString("10.1.0.255");
        assertThat(net.contains(IpAddress.parse("10.1.0.99"))).isTrue();
        assertThat(net.contains(IpAddress.parse("10.1.1.1"))).isFalse();
        assertThat(net.contains(IpAddress.parse("fd00::1"))).isFalse();
        assertThat(IpNet.parse("10.1.0.2/0").network()).hasToString("0.0.0.0/0");
        assertThat(IpNet.parse("10.1.0.2/31").network()).hasToString("10.1.0.2/31");
        assertThat(IpNet.parse("fd00::2:3/64").network()).hasToString("fd00::/64");
        assertThat(IpNet.parse("fd00:1:2ff:3:4:5:6:7/40").network()).hasToString("fd00:1:200::/40");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.300", "10.0.0", "10.0.0.1.5", "10..0.1", "1:2:3:4:5:6:7:8:9", "fd00::2::3",
            "fd00::2%eth0", "[fd00::2]", "fd00::g", "example.com", "localhost", "10.0.0.1 5",
            "\u0661\u0660.0.0.1", // Arabic-Indic digits are digits to Java, not to the kernel or iproute2
            "010.0.0.1", "10.0.0.01"}) // a leading zero: octal to inet_aton, decimal to others
    void badAddressesAreNamed(String bad) {
        assertThatThrownBy(() -> IpNet.parse(bad + "/24")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad address \"" + bad + "\": ");
        assertThatThrownBy(() -> IpAddress.parse(bad)).hasMessageStartingWith("bad address \"" + bad + "\": ");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"  "})
    void emptyIsRefused(String empty) {
        assertThatThrownBy(() -> IpNet.parse(empty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty address");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "10.0.0.1/33 | 33 | 0..32",
            "10.0.0.1/-1 | -1 | 0..32",
            "fd00::/129 | 129 | 0..128",
            "10.0.0.1/x | 'x' | 10.0.0.1/x",
            "10.0.0.1/ | '' | 10.0.0.1/",
            "10.0.0.1/+24 | '+24' | 10.0.0.1/+24",
            "10.0.0.1/\uff12\uff14 | '\uff12\uff14' | 10.0.0.1/", // full-width digits
            "10.0.0.1/024 | '024' | 10.0.0.1/024"}) // iproute2 reads it octal: /20
    void badPrefixLengthsAreNamed(String text, String named, String hint) {
        assertThatThrownBy(() -> IpNet.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named).hasMessageContaining(hint);
    }
}
