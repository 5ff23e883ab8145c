package io.netmgr.netlink.addr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {

    @Test
    void parsesIpv4IntoTheLow32Bits() {
        IpAddress a = IpAddress.parse("10.1.2.3");
        assertThat(a).isEqualTo(new IpAddress(IpFamily.V4, 0, 0x0a010203L)).isEqualTo(IpAddress.v4(0x0a010203));
        assertThat(a.toString()).isEqualTo("10.1.2.3");
        assertThat(IpAddress.parse("255.255.255.255").low()).isEqualTo(0xffffffffL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "::|::",
            "::1|::1",
            "1::|1::",
            "FD00:0:0:0:0:0:0:1|fd00::1",
            "2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1",
            "2001:0db8:0000:0000:0000:0000:0002:0001|2001:db8::2:1",
            "2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1",
            "1:0:0:2:0:0:0:3|1:0:0:2::3",
            "::ffff:10.1.2.3|::ffff:10.1.2.3",             // IPv4-mapped: the IPv4 part dotted (RFC 5952, section 5)
            "0:0:0:0:0:ffff:a01:203|::ffff:10.1.2.3",
            "fe80::1:2|fe80::1:2"})
    void parsesIpv6AndPrintsRfc5952(String text, String canonical) {
        IpAddress a = IpAddress.parse(text);
        assertThat(a.family()).isEqualTo(IpFamily.V6);
        assertThat(a.toString()).isEqualTo(canonical);
        assertThat(IpAddress.parse(canonical)).isEqualTo(a);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.300|bad address \"10.0.0.300\": 300 is not an IPv4 octet (0-255)",
            "10.0.0|bad address \"10.0.0\": an IPv4 address has 4 dot-separated octets, like 10.0.0.1",
            "10.0.0.1.|bad address \"10.0.0.1.\": an IPv4 address has 4 dot-separated octets, like 10.0.0.1",
            "10.0.x.1|bad address \"10.0.x.1\": \"x\" is not a decimal IPv4 octet (0-255)",
            "10.01.0.1|bad address \"10.01.0.1\": octet \"01\" has a leading zero, which some tools read as octal; write 1",
            "localhost|bad address \"localhost\": an IPv4 address has 4 dot-separated octets, like 10.0.0.1",
            "1::2::3|bad address \"1::2::3\": \"::\" may appear only once",
            "1:2:3:4:5:6:7|bad address \"1:2:3:4:5:6:7\": an IPv6 address has 8 groups (or \"::\" for a run of zeros), found 7",
            "1:2:3:4::5:6:7:8|bad address \"1:2:3:4::5:6:7:8\": \"::\" stands for at least one zero group, but 8 groups are already given",
            "12345::|bad address \"12345::\": group \"12345\" has more than 4 hex digits",
            "fg::1|bad address \"fg::1\": \"fg\" is not a hex group",
            ":1:2:3:4:5:6:7|bad address \":1:2:3:4:5:6:7\": empty group: a single ':' at the start or end, or ':::'",
            "fe80::1%eth0|bad address \"fe80::1%eth0\": a zone (%name) is not part of an address; drop it"})
    void refusesBadTextSayingWhy(String text, String message) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aUrlHostBracketsIpv6Only() {
        assertThat(IpAddress.parse("10.0.0.1").uriHost()).isEqualTo("10.0.0.1");
        assertThat(IpAddress.parse("fd00::1").uriHost()).isEqualTo("[fd00::1]");
        assertThat(IpAddress.parse("::ffff:10.0.0.1").uriHost()).isEqualTo("[::ffff:10.0.0.1]");
    }

    @Test
    void theUnspecifiedAddressOfEachFamily() {
        assertThat(IpAddress.parse("0.0.0.0").isUnspecified()).isTrue();
        assertThat(IpAddress.parse("::").isUnspecified()).isTrue();
        assertThat(IpAddress.parse("0.0.0.1").isUnspecified()).isFalse();
        assertThat(IpAddress.parse("::1").isUnspecified()).isFalse();
    }

    @Test
    void emptyTextAndFieldNames() {
        assertThatThrownBy(() -> IpAddress.parse("", "gateway")).hasMessage("bad gateway \"\": empty address");
    }

    @Test
    void plusCarriesIntoTheHighWordAndStopsAtTheEnd() {
        IpAddress a = IpAddress.parse("fd00::ffff:ffff:ffff:ffff");
        assertThat(a.next()).isEqualTo(IpAddress.parse("fd00:0:0:1::"));
        assertThat(IpAddress.parse("10.0.0.255").plus(2)).isEqualTo(IpAddress.parse("10.0.1.1"));
        assertThatThrownBy(() -> IpAddress.parse("255.255.255.255").next()).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").next())
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void ordersUnsignedAndIpv4First() {
        assertThat(IpAddress.parse("200.0.0.1")).isGreaterThan(IpAddress.parse("10.0.0.1"));
        assertThat(IpAddress.parse("ff00::")).isGreaterThan(IpAddress.parse("fd00::"));
        assertThat(IpAddress.parse("::1")).isGreaterThan(IpAddress.parse("255.255.255.255"));
    }

    @Test
    void convertsToAndFromInetAddressAndBigInteger() throws Exception {
        for (String text : new String[] {"192.168.1.20", "2001:db8::8:800:200c:417a"}) {
            IpAddress a = IpAddress.parse(text);
            InetAddress inet = a.toInetAddress();
            assertThat(inet).isEqualTo(InetAddress.getByName(text));
            assertThat(IpAddress.of(inet)).isEqualTo(a);
            assertThat(IpAddress.of(a.family(), a.toBigInteger())).isEqualTo(a);
        }
        assertThat(IpAddress.parse("0.0.1.0").toBigInteger()).isEqualTo(BigInteger.valueOf(256));
    }
}
