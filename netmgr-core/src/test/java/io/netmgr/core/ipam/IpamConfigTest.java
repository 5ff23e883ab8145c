package io.netmgr.core.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.core.ipam.IpamException.Reason;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class IpamConfigTest {

    private static final IpPrefix SUBNET = IpPrefix.parse("10.1.0.0/24");

    @Test
    void defaultsToTheWholeSubnetAndTheFirstAddressAsGateway() {
        IpamConfig config = IpamConfig.of(SUBNET);
        assertThat(config.allocationRanges()).containsExactly(AddressRange.of(SUBNET));
        assertThat(config.gatewayOrDefault()).isEqualTo(ip("10.1.0.1"));
        assertThat(config.firstUsable()).isEqualTo(ip("10.1.0.1"));
        assertThat(config.lastUsable()).isEqualTo(ip("10.1.0.254"));
        assertThat(config.isUsable(ip("10.1.0.0"))).isFalse();
        assertThat(config.isUsable(ip("10.1.0.255"))).isFalse();
        assertThat(config.isUsable(ip("10.1.0.254"))).isTrue();
    }

    @Test
    void defaultGatewayStepsOverAuxiliaryAddresses() {
        IpamConfig config = IpamConfig.of(SUBNET).withAuxiliaryAddress("a", ip("10.1.0.1")).withAuxiliaryAddress("b", ip("10.1.0.2"));
        assertThat(config.gatewayOrDefault()).isEqualTo(ip("10.1.0.3"));
        IpamConfig half = IpamConfig.of(IpPrefix.parse("10.1.0.0/30")).withAuxiliaryAddress("a", ip("10.1.0.1"));
        refused(() -> half.withAuxiliaryAddress("b", ip("10.1.0.2")), Reason.SUBNET_TOO_SMALL,
                "auxiliary addresses take every usable address of subnet 10.1.0.0/30, leaving none for the gateway;"
                        + " give fewer --aux-address or a larger --subnet");
        assertThat(half.gatewayOrDefault()).isEqualTo(ip("10.1.0.2"));
    }

    @Test
    void ipv6KeepsOnlyTheNetworkAddressFree() {
        IpamConfig config = IpamConfig.of(IpPrefix.parse("fd00:1::/64"));
        assertThat(config.firstUsable()).isEqualTo(ip("fd00:1::1"));
        assertThat(config.lastUsable()).isEqualTo(ip("fd00:1::ffff:ffff:ffff:ffff"));
        assertThat(config.isUsable(ip("fd00:1::"))).isFalse();
    }

    @Test
    void rangeOutsideSubnet() {
        refused(() -> IpamConfig.of(SUBNET).withIpRange(IpPrefix.parse("10.1.1.0/25")), Reason.RANGE_OUTSIDE_SUBNET,
                "ip range 10.1.1.0/25 is not inside subnet 10.1.0.0/24; choose an --ip-range inside the subnet");
        refused(() -> IpamConfig.of(SUBNET).withIpRange(IpPrefix.parse("10.1.0.0/23")), Reason.RANGE_OUTSIDE_SUBNET,
                "ip range 10.1.0.0/23 is not inside subnet 10.1.0.0/24; choose an --ip-range inside the subnet");
    }

    @Test
    void addressRangesNarrowWhereAddressesComeFrom() {
        IpamConfig config = IpamConfig.of(SUBNET).withAddressRanges(List.of(
                AddressRange.parse("10.1.0.100-10.1.0.120"), AddressRange.parse("10.1.0.10-10.1.0.20")));
        assertThat(config.allocationRanges()).as("lowest first").extracting(AddressRange::toString)
                .containsExactly("10.1.0.10-10.1.0.20", "10.1.0.100-10.1.0.120");
        assertThat(config.inAllocationRanges(ip("10.1.0.20"))).isTrue();
        assertThat(config.inAllocationRanges(ip("10.1.0.21"))).isFalse();
        assertThat(config.allocationText()).isEqualTo("10.1.0.10-10.1.0.20,10.1.0.100-10.1.0.120");
        assertThat(AddressRange.parse("10.1.0.128-10.1.0.255")).hasToString("10.1.0.128/25");
    }

    @Test
    void badAddressRangesAreRefused() {
        refused(() -> IpamConfig.of(SUBNET).withAddressRanges(List.of(AddressRange.parse("10.1.0.250-10.1.1.5"))),
                Reason.RANGE_OUTSIDE_SUBNET,
                "ip range 10.1.0.250-10.1.1.5 is not inside subnet 10.1.0.0/24; choose an --ip-range inside the subnet");
        refused(() -> IpamConfig.of(SUBNET).withAddressRanges(List.of(AddressRange.parse("10.1.0.0-10.1.0.9"))),
                Reason.RESERVED_ADDRESS, "range start 10.1.0.0 is the network address of 10.1.0.0/24; choose an address from "
                        + "10.1.0.1 to 10.1.0.254");
        refused(() -> IpamConfig.of(SUBNET).withAddressRanges(List.of(AddressRange.parse("10.1.0.1-10.1.0.1"))),
                Reason.ADDRESS_IN_USE, "address range 10.1.0.1/32 already in use by the gateway, so it has no address to hand "
                        + "out; choose another address");
        assertThatThrownBy(() -> AddressRange.parse("10.1.0.9-10.1.0.2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address range 10.1.0.9-10.1.0.2 starts after it ends; give the lower address first");
        assertThatThrownBy(() -> IpamConfig.of(SUBNET).withAddressRanges(List.of(AddressRange.parse("10.1.0.5-10.1.0.9"),
                AddressRange.parse("10.1.0.9-10.1.0.12")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("address ranges 10.1.0.5-10.1.0.9 and 10.1.0.9-10.1.0.12 overlap; give each address once");
    }

    @Test
    void gatewayOutsideSubnet() {
        refused(() -> IpamConfig.of(SUBNET).withGateway(ip("10.2.0.1")), Reason.GATEWAY_OUTSIDE_SUBNET,
                "gateway 10.2.0.1 is outside subnet 10.1.0.0/24; choose a --gateway inside the subnet, or omit it to use the first address");
        refused(() -> IpamConfig.of(SUBNET).withGateway(ip("fd00::1")), Reason.GATEWAY_OUTSIDE_SUBNET,
                "gateway fd00::1 is outside subnet 10.1.0.0/24; choose a --gateway inside the subnet, or omit it to use the first address");
    }

    @Test
    void gatewayOnTheNetworkOrBroadcastAddress() {
        refused(() -> IpamConfig.of(SUBNET).withGateway(ip("10.1.0.0")), Reason.RESERVED_ADDRESS,
                "gateway 10.1.0.0 is the network address of 10.1.0.0/24; choose an address from 10.1.0.1 to 10.1.0.254");
        refused(() -> IpamConfig.of(SUBNET).withGateway(ip("10.1.0.255")), Reason.RESERVED_ADDRESS,
                "gateway 10.1.0.255 is the broadcast address of 10.1.0.0/24; choose an address from 10.1.0.1 to 10.1.0.254");
    }

    @Test
    void auxiliaryAddresses() {
        IpamConfig config = IpamConfig.of(SUBNET).withAuxiliaryAddress("router", ip("10.1.0.2"));
        assertThat(config.auxiliaryAddresses()).containsEntry("router", ip("10.1.0.2"));
        refused(() -> config.withAuxiliaryAddress("db", ip("10.1.1.2")), Reason.AUXILIARY_OUTSIDE_SUBNET,
                "auxiliary address db=10.1.1.2 is outside subnet 10.1.0.0/24; choose an --aux-address inside the subnet");
        refused(() -> config.withAuxiliaryAddress("db", ip("10.1.0.255")), Reason.RESERVED_ADDRESS,
                "auxiliary address db=10.1.0.255 is the broadcast address of 10.1.0.0/24; choose an address from 10.1.0.1 to 10.1.0.254");
        refused(() -> config.withAuxiliaryAddress("db", ip("10.1.0.2")), Reason.ADDRESS_IN_USE,
                "auxiliary address router=10.1.0.2 already in use by auxiliary address db; choose another address");
        refused(() -> config.withGateway(ip("10.1.0.9")).withAuxiliaryAddress("db", ip("10.1.0.9")), Reason.ADDRESS_IN_USE,
                "auxiliary address db=10.1.0.9 already in use by the gateway; choose another address");
    }

    @Test
    void subnetTooSmall() {
        assertThat(IpamConfig.of(IpPrefix.parse("10.1.0.0/30")).lastUsable()).isEqualTo(ip("10.1.0.2"));
        refused(() -> IpamConfig.of(IpPrefix.parse("10.1.0.0/31")), Reason.SUBNET_TOO_SMALL,
                "subnet 10.1.0.0/31 has no room for a gateway and an endpoint; choose a /30 or larger --subnet");
        refused(() -> IpamConfig.of(IpPrefix.parse("10.1.0.1/32")), Reason.SUBNET_TOO_SMALL,
                "subnet 10.1.0.1/32 has no room for a gateway and an endpoint; choose a /30 or larger --subnet");
        assertThat(IpamConfig.of(IpPrefix.parse("fd00::/126")).lastUsable()).isEqualTo(ip("fd00::3"));
        refused(() -> IpamConfig.of(IpPrefix.parse("fd00::/127")), Reason.SUBNET_TOO_SMALL,
                "subnet fd00::/127 has no room for a gateway and an endpoint; choose a /126 or larger --subnet");
    }

    private static void refused(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(IpamException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessage(message);
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }
}
