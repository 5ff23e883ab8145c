package io.netmgr.netlink.addr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrefixTest {

    @Test
    void ipv4Subnet() {
        IpPrefix p = IpPrefix.parse("10.1.0.0/24");
        assertThat(p.family()).isEqualTo(IpFamily.V4);
        assertThat(p.network()).isEqualTo(IpAddress.parse("10.1.0.0"));
        assertThat(p.last()).isEqualTo(IpAddress.parse("10.1.0.255"));
        assertThat(p.broadcast()).contains(IpAddress.parse("10.1.0.255"));
        assertThat(p.size()).isEqualTo(BigInteger.valueOf(256));
        assertThat(p.nth(5)).isEqualTo(IpAddress.parse("10.1.0.5"));
        assertThat(p.toString()).isEqualTo("10.1.0.0/24");
        assertThat(IpPrefix.parse("10.0.0.0/31").broadcast()).isEmpty();
        assertThat(IpPrefix.parse("0.0.0.0/0").size()).isEqualTo(BigInteger.ONE.shiftLeft(32));
        assertThat(IpPrefix.parse("0.0.0.0/0").last()).isEqualTo(IpAddress.parse("255.255.255.255"));
    }

    @Test
    void ipv6Subnet() {
        IpPrefix p = IpPrefix.parse("fd12:3456:789a:1::/64");
        assertThat(p.last()).isEqualTo(IpAddress.parse("fd12:3456:789a:1:ffff:ffff:ffff:ffff"));
        assertThat(p.broadcast()).isEmpty();
        assertThat(p.size()).isEqualTo(BigInteger.ONE.shiftLeft(64));
        assertThat(p.nth(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE))).isEqualTo(p.last());
        assertThat(IpPrefix.parse("fd00::/8").last()).isEqualTo(IpAddress.parse("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertThat(IpPrefix.parse("::/0").last()).isEqualTo(IpAddress.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertThat(IpPrefix.parse("2001:db8::1/128").size()).isEqualTo(BigInteger.ONE);
    }

    @Test
    void containsAndOverlaps() {
        IpPrefix wide = IpPrefix.parse("10.1.0.0/16");
        IpPrefix narrow = IpPrefix.parse("10.1.7.0/24");
        IpPrefix beside = IpPrefix.parse("10.2.0.0/16");
        assertThat(wide.contains(IpAddress.parse("10.1.255.255"))).isTrue();
        assertThat(wide.contains(IpAddress.parse("10.2.0.0"))).isFalse();
        assertThat(wide.contains(IpAddress.parse("::a01:0"))).as("another family").isFalse();
        assertThat(wide.contains(narrow)).isTrue();
        assertThat(narrow.contains(wide)).isFalse();
        assertThat(wide.overlaps(narrow)).isTrue();
        assertThat(narrow.overlaps(wide)).isTrue();
        assertThat(wide.overlaps(beside)).isFalse();
        assertThat(IpPrefix.parse("fd00::/8").overlaps(IpPrefix.parse("fd12:3456::/48"))).isTrue();
        assertThat(IpPrefix.parse("fd00::/64").overlaps(IpPrefix.parse("fd00:0:0:1::/64"))).isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").overlaps(IpPrefix.parse("::/0"))).isFalse();
    }

    @Test
    void containingMasksHostBits() {
        assertThat(IpPrefix.containing(IpAddress.parse("10.1.2.3"), 16)).isEqualTo(IpPrefix.parse("10.1.0.0/16"));
        assertThat(IpPrefix.containing(IpAddress.parse("fd00:1:2:3:4::5"), 64)).isEqualTo(IpPrefix.parse("fd00:1:2:3::/64"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.300/24|bad subnet \"10.0.0.300/24\": 300 is not an IPv4 octet (0-255)",
            "10.0.0.5/24|bad subnet \"10.0.0.5/24\": host bits are set; did you mean 10.0.0.0/24?",
            "10.0.0.0|bad subnet \"10.0.0.0\": missing /length, as in 10.1.0.0/24 or fd00:1::/64",
            "10.0.0.0/33|bad subnet \"10.0.0.0/33\": prefix length 33 is out of range for IPv4 (0-32)",
            "10.0.0.0/x|bad subnet \"10.0.0.0/x\": \"x\" is not a prefix length (0-32)",
            "10.0.0.0/|bad subnet \"10.0.0.0/\": \"\" is not a prefix length (0-32)",
            "fd00::/129|bad subnet \"fd00::/129\": prefix length 129 is out of range for IPv6 (0-128)",
            "fd00::1/64|bad subnet \"fd00::1/64\": host bits are set; did you mean fd00::/64?"})
    void refusesBadTextSayingWhy(String text, String message) {
        assertThatThrownBy(() -> IpPrefix.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void namesTheFieldItParses() {
        assertThatThrownBy(() -> IpPrefix.parse("10.1.0.128/24", "ip range"))
                .hasMessage("bad ip range \"10.1.0.128/24\": host bits are set; did you mean 10.1.0.0/24?");
    }
}
