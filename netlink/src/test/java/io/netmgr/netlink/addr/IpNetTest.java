package io.netmgr.netlink.addr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpNetTest {

    @ParameterizedTest
    @CsvSource({"10.1.0.2/24,10.1.0.2/24", "fd00:0:0:0:0:0:0:2/64,fd00::2/64", "0:0:0:0:0:0:0:1,::1/128",
            "1:0:0:1:0:0:0:1/64,1:0:0:1::1/64", "2001:db8:0:1:1:1:1:1/64,2001:db8:0:1:1:1:1:1/64",
            "fe80::/10,fe80::/10", "::/0,::/0", "1:2:3:4:5:6:7:0/128,1:2:3:4:5:6:7:0/128"})
    void parsesAndFormatsLikePeopleWriteIt(String in, String out) {
        assertThat(IpNet.parse(in)).hasToString(out);
    }

    @Test
    void networkBroadcastAndContains() {
        IpNet n = IpNet.parse("10.1.2.3/20");
        assertThat(n.network()).hasToString("10.1.0.0/20");
        assertThat(IpNet.format(n.broadcast())).isEqualTo("10.1.15.255");
        assertThat(n.contains(IpNet.parseAddress("10.1.15.9"))).isTrue();
        assertThat(n.contains(IpNet.parseAddress("10.1.16.1"))).isFalse();
        assertThat(n.contains(IpNet.parseAddress("fd00::1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.256", "10.0.0", "10.0.0.1.1", "localhost", "fd00::1%eth0", "[fd00::1]", "1.2.3.-4", ""})
    void refusesAnythingButALiteralAndNamesIt(String bad) {
        assertThatThrownBy(() -> IpNet.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.isEmpty() ? "empty" : bad);
    }

    @Test
    void prefixLengthOutOfRangeNamesTheRange() {
        assertThatThrownBy(() -> IpNet.parse("fd00::1/129")).hasMessageContaining("129").hasMessageContaining("0..128");
    }
}
