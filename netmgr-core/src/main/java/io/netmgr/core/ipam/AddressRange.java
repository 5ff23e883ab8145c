package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The addresses from {@code first} to {@code last}, both included: where a pool hands addresses
 * out. Docker's {@code --ip-range} is one given as a prefix; CNI host-local's
 * {@code rangeStart}/{@code rangeEnd} need not be one. Written as the prefix when it is one
 * ({@code 10.1.0.128/25}), else as {@code 10.1.0.10-10.1.0.20}.
 */
public record AddressRange(IpAddress first, IpAddress last) {

    public AddressRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (first.family() != last.family()) {
            throw new IllegalArgumentException("address range " + first + "-" + last + " mixes IPv4 and IPv6");
        }
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("address range " + first + "-" + last + " starts after it ends; give the lower "
                    + "address first");
        }
    }

    /** Every address of {@code prefix}. */
    public static AddressRange of(IpPrefix prefix) {
        return new AddressRange(prefix.network(), prefix.last());
    }

    /** {@code "10.1.0.10-10.1.0.20"} or a prefix such as {@code "10.1.0.128/25"}. */
    public static AddressRange parse(String text) {
        int dash = text.indexOf('-');
        if (dash < 0) {
            return of(IpPrefix.parse(text));
        }
        return new AddressRange(IpAddress.parse(text.substring(0, dash).strip()), IpAddress.parse(text.substring(dash + 1).strip()));
    }

    /** {@link #parse} of each of the comma-separated ranges {@link #format} writes. */
    public static List<AddressRange> parseAll(String text) {
        return Arrays.stream(text.split(",")).map(String::strip).map(AddressRange::parse).toList();
    }

    /** The ranges as one text: {@code 10.1.0.128/25}, {@code 10.1.0.10-10.1.0.20,10.1.0.50-10.1.0.60}. */
    public static String format(List<AddressRange> ranges) {
        return String.join(",", ranges.stream().map(AddressRange::toString).toList());
    }

    public IpFamily family() {
        return first.family();
    }

    public boolean contains(IpAddress address) {
        return address.family() == first.family() && first.compareTo(address) <= 0 && address.compareTo(last) <= 0;
    }

    public boolean overlaps(AddressRange other) {
        return other.family() == family() && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
    }

    /** Whether every address of this range lies in {@code subnet}. */
    public boolean isInside(IpPrefix subnet) {
        return subnet.contains(first) && subnet.contains(last);
    }

    /** The prefix covering exactly this range, when there is one. */
    public Optional<IpPrefix> asPrefix() {
        int bits = family() == IpFamily.V4 ? 32 : 128;
        for (int length = 0; length <= bits; length++) {
            IpPrefix candidate = IpPrefix.containing(first, length);
            if (candidate.network().equals(first) && candidate.last().equals(last)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return asPrefix().map(IpPrefix::toString).orElse(first + "-" + last);
    }
}
