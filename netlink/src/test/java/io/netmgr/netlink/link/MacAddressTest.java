package io.netmgr.netlink.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ethernet addresses: parsed as people write them, written as ip(8) shows them. */
class MacAddressTest {

    @Test
    void parsedAndWrittenInLowerCaseWithColons() {
        MacAddress mac = MacAddress.parse("02:42:ac:11:00:02");
        assertThat(mac).hasToString("02:42:ac:11:00:02");
        assertThat(mac.bits()).isEqualTo(0x0242ac110002L);
        assertThat(MacAddress.parse("02-42-AC-11-00-02")).isEqualTo(mac);
        assertThat(MacAddress.parse(" 02:42:ac:11:00:02 ")).isEqualTo(mac);
    }

    @Test
    void bytesInWireOrder() {
        byte[] wire = {0x02, 0x42, (byte) 0xac, 0x11, 0x00, 0x02};
        assertThat(MacAddress.parse("02:42:ac:11:00:02").bytes()).containsExactly(wire);
        assertThat(MacAddress.of(wire)).hasToString("02:42:ac:11:00:02");
        assertThat(MacAddress.of(new byte[] {-1, -1, -1, -1, -1, -1})).hasToString("ff:ff:ff:ff:ff:ff");
        assertThat(new MacAddress(0)).hasToString("00:00:00:00:00:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:42:ac:11:00", "02:42:ac:11:00:02:03", "02:42:ac:11:00:2", "02:42:ac:11:00:002",
            "02:42:ac:11:00:0g", "0242ac110002", "02:42:ac:11:00:02:", ":02:42:ac:11:00:02", "02:42:ac::11:00",
            "\u0660\u0662:42:ac:11:00:02", // Arabic-Indic digits
            "\uff10\uff12:42:ac:11:00:02"}) // full-width digits
    void malformedAddressesAreNamed(String bad) {
        assertThatThrownBy(() -> MacAddress.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + bad + "'").hasMessageContaining("02:42:ac:11:00:02");
    }

    @Test
    void wrongByteCountOrTooManyBits() {
        assertThatThrownBy(() -> MacAddress.of(new byte[5])).hasMessageContaining("6 bytes, got 5");
        assertThatThrownBy(() -> new MacAddress(1L << 48)).hasMessageContaining("more than 48 bits");
    }

    @RepeatedTest(20)
    void randomAddressesAreLocallyAdministeredUnicast() {
        byte first = MacAddress.randomLocal().bytes()[0];
        assertThat(first & 0x02).as("locally administered").isEqualTo(0x02);
        assertThat(first & 0x01).as("multicast").isZero();
    }

    @Test
    void aDerivedAddressIsTheNamesAloneLocallyAdministeredUnicast() {
        MacAddress a = MacAddress.derivedLocal("netmgr overlay bridge n1 198.51.100.1");
        assertThat(MacAddress.derivedLocal("netmgr overlay bridge n1 198.51.100.1")).as("the same name, the same address").isEqualTo(a);
        assertThat(MacAddress.derivedLocal("netmgr overlay bridge n1 198.51.100.2")).as("another host").isNotEqualTo(a);
        assertThat(a.bytes()[0] & 0x03).as("locally administered, unicast").isEqualTo(0x02);
    }
}
