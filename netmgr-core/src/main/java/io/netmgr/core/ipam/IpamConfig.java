package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The addressing of one pool, as a user gives it (Docker's {@code --subnet}, {@code --ip-range},
 * {@code --gateway}, {@code --aux-address}): addresses are handed out only from the IP range
 * (the whole subnet when absent); the gateway and the auxiliary addresses are never handed out.
 * Instead of an IP range, {@code addressRanges} may name where addresses come from as first and
 * last addresses (CNI host-local's {@code rangeStart}/{@code rangeEnd}), several of them if need be.
 *
 * <p>A config is consistent once built: everything inside the subnet, nothing on the network or
 * (IPv4) broadcast address, no address named twice. The network address is kept free in IPv6
 * too, where it is the subnet-router anycast address (RFC 4291) that a forwarding host answers.
 */
public record IpamConfig(IpPrefix subnet, Optional<IpPrefix> ipRange, List<AddressRange> addressRanges,
        Optional<IpAddress> gateway, SortedMap<String, IpAddress> auxiliaryAddresses) {

    public IpamConfig {
        Objects.requireNonNull(subnet, "subnet");
        Objects.requireNonNull(ipRange, "ipRange");
        addressRanges = addressRanges.stream().sorted(Comparator.comparing(AddressRange::first)).toList();
        Objects.requireNonNull(gateway, "gateway");
        auxiliaryAddresses = Collections.unmodifiableSortedMap(new TreeMap<>(auxiliaryAddresses));
        validate(subnet, ipRange, addressRanges, gateway, auxiliaryAddresses);
    }

    /** {@code subnet}, handing out all of it, with the first usable address as gateway. */
    public static IpamConfig of(IpPrefix subnet) {
        return new IpamConfig(subnet, Optional.empty(), List.of(), Optional.empty(), new TreeMap<>());
    }

    public IpamConfig withIpRange(IpPrefix range) {
        return new IpamConfig(subnet, Optional.of(range), addressRanges, gateway, auxiliaryAddresses);
    }

    /** Hands addresses out of {@code ranges} only, instead of the whole subnet. */
    public IpamConfig withAddressRanges(List<AddressRange> ranges) {
        return new IpamConfig(subnet, ipRange, ranges, gateway, auxiliaryAddresses);
    }

    public IpamConfig withGateway(IpAddress address) {
        return new IpamConfig(subnet, ipRange, addressRanges, Optional.of(address), auxiliaryAddresses);
    }

    public IpamConfig withAuxiliaryAddress(String name, IpAddress address) {
        SortedMap<String, IpAddress> aux = new TreeMap<>(auxiliaryAddresses);
        aux.put(name, address);
        return new IpamConfig(subnet, ipRange, addressRanges, gateway, aux);
    }

    public IpFamily family() {
        return subnet.family();
    }

    /** Where addresses are handed out from, lowest first: the address ranges, the IP range, or the whole subnet. */
    public List<AddressRange> allocationRanges() {
        if (!addressRanges.isEmpty()) {
            return addressRanges;
        }
        return List.of(AddressRange.of(ipRange.orElse(subnet)));
    }

    /** Whether {@code address} lies in one of the {@link #allocationRanges()}. */
    public boolean inAllocationRanges(IpAddress address) {
        return allocationRanges().stream().anyMatch(r -> r.contains(address));
    }

    /** The allocation ranges as a user reads them: {@code 10.1.0.128/25}, {@code 10.1.0.10-10.1.0.20,10.1.0.50-10.1.0.60}. */
    public String allocationText() {
        return AddressRange.format(allocationRanges());
    }

    /** Whether addresses come from part of the subnet only (an IP range or address ranges). */
    public boolean isNarrowed() {
        return ipRange.isPresent() || !addressRanges.isEmpty();
    }

    /**
     * The gateway given, or else the subnet's first usable address (10.1.0.1 in 10.1.0.0/24)
     * that no auxiliary address claims.
     */
    public IpAddress gatewayOrDefault() {
        return gateway.orElseGet(() -> defaultGateway(subnet, auxiliaryAddresses));
    }

    /** The first address anyone may hold: the one after the network address. */
    public IpAddress firstUsable() {
        return firstUsable(subnet);
    }

    /** The last address anyone may hold: the one before the IPv4 broadcast address, the last one in IPv6. */
    public IpAddress lastUsable() {
        return lastUsable(subnet);
    }

    /** Whether {@code address} is in the subnet and neither its network nor its broadcast address. */
    public boolean isUsable(IpAddress address) {
        return subnet.contains(address) && reservedRole(subnet, address).isEmpty();
    }

    /**
     * Why {@code address} of {@code subnet} may not be held by anyone: "network address" or
     * "broadcast address"; empty when it may.
     */
    public static Optional<String> reservedRole(IpPrefix subnet, IpAddress address) {
        if (address.equals(subnet.network())) {
            return Optional.of("network address");
        }
        if (subnet.broadcast().filter(address::equals).isPresent()) {
            return Optional.of("broadcast address");
        }
        return Optional.empty();
    }

    private static IpAddress defaultGateway(IpPrefix subnet, SortedMap<String, IpAddress> aux) {
        IpAddress candidate = firstUsable(subnet);
        while (aux.containsValue(candidate)) {
            if (candidate.equals(lastUsable(subnet))) {
                throw IpamException.noRoomForGateway(subnet);
            }
            candidate = candidate.next();
        }
        return candidate;
    }

    private static IpAddress firstUsable(IpPrefix subnet) {
        return subnet.network().next();
    }

    private static IpAddress lastUsable(IpPrefix subnet) {
        return subnet.broadcast().isPresent() ? subnet.nth(subnet.size().subtract(BigInteger.TWO)) : subnet.last();
    }

    private static void validate(IpPrefix subnet, Optional<IpPrefix> ipRange, List<AddressRange> ranges,
            Optional<IpAddress> gateway, SortedMap<String, IpAddress> aux) {
        // a gateway and one endpoint: anything smaller is a network no container can use
        BigInteger usable = subnet.size().subtract(BigInteger.valueOf(subnet.broadcast().isPresent() ? 2 : 1));
        if (usable.compareTo(BigInteger.TWO) < 0) {
            throw IpamException.subnetTooSmall(subnet);
        }
        ipRange.filter(range -> !subnet.contains(range)).ifPresent(range -> {
            throw IpamException.rangeOutsideSubnet(AddressRange.of(range), subnet);
        });
        validateAddressRanges(subnet, ipRange, ranges, gateway.orElseGet(() -> defaultGateway(subnet, aux)));
        if (gateway.isPresent()) {
            IpAddress address = gateway.get();
            if (!subnet.contains(address)) {
                throw IpamException.gatewayOutsideSubnet(address, subnet);
            }
            checkUsable(subnet, "gateway " + address, address);
        }
        for (Map.Entry<String, IpAddress> entry : aux.entrySet()) {
            String name = entry.getKey();
            IpAddress address = entry.getValue();
            if (name.isBlank()) {
                throw new IllegalArgumentException("auxiliary address " + address + " has an empty name; name it, as in host1=" + address);
            }
            if (!subnet.contains(address)) {
                throw IpamException.auxiliaryOutsideSubnet(name, address, subnet);
            }
            String subject = "auxiliary address " + name + "=" + address;
            checkUsable(subnet, subject, address);
            if (gateway.filter(address::equals).isPresent()) {
                throw IpamException.addressInUse(subject, "the gateway");
            }
            aux.headMap(name).entrySet().stream().filter(e -> e.getValue().equals(address)).findFirst().ifPresent(e -> {
                throw IpamException.addressInUse(subject, "auxiliary address " + e.getKey());
            });
        }
        if (gateway.isEmpty()) {
            defaultGateway(subnet, aux);
        }
    }

    private static void validateAddressRanges(IpPrefix subnet, Optional<IpPrefix> ipRange, List<AddressRange> ranges,
            IpAddress gateway) {
        if (ranges.isEmpty()) {
            return;
        }
        if (ipRange.isPresent()) {
            throw new IllegalArgumentException("give an ip range (" + ipRange.get() + ") or address ranges (" + ranges.get(0)
                    + "), not both");
        }
        AddressRange previous = null;
        for (AddressRange r : ranges) {
            if (!r.isInside(subnet)) {
                throw IpamException.rangeOutsideSubnet(r, subnet);
            }
            checkUsable(subnet, "range start " + r.first(), r.first());
            checkUsable(subnet, "range end " + r.last(), r.last());
            if (previous != null && previous.overlaps(r)) {
                throw new IllegalArgumentException("address ranges " + previous + " and " + r + " overlap; give each address once");
            }
            if (r.first().equals(r.last()) && r.first().equals(gateway)) {
                throw IpamException.addressInUse("address range " + r, "the gateway, so it has no address to hand out");
            }
            previous = r;
        }
    }

    /** Refuses the network or broadcast address as {@code subject} (e.g. "gateway 10.1.0.0"). */
    public static void checkUsable(IpPrefix subnet, String subject, IpAddress address) {
        Optional<String> role = reservedRole(subnet, address);
        if (role.isPresent()) {
            throw IpamException.reservedAddress(subject, role.get(), subnet, firstUsable(subnet), lastUsable(subnet));
        }
    }
}
