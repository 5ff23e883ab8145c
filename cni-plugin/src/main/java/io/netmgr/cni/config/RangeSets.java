package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * host-local's {@code ranges}: an array of range sets, each an array of ranges
 * ({@code subnet}, {@code rangeStart}, {@code rangeEnd}, {@code gateway}). Each set becomes one
 * netmgr pool, so a container gets one address from each set (say one IPv4, one IPv6). The
 * ranges of a set must share its subnet: netmgr's pool is one subnet, from which the set's
 * ranges are the parts handed out. Every refusal names the field.
 */
final class RangeSets {
    private RangeSets() {
    }

    static List<NetConf.Range> parse(ConfObject o, String key) {
        List<NetConf.Range> out = new ArrayList<>();
        List<String> subnetFields = new ArrayList<>();
        List<Object> sets = o.array(key);
        for (int i = 0; i < sets.size(); i++) {
            String setPath = o.field(key) + "[" + i + "]";
            NetConf.Range range = set(setPath, ConfObject.asArray(setPath, sets.get(i)));
            for (int k = 0; k < out.size(); k++) {
                if (out.get(k).subnet().overlaps(range.subnet())) {
                    throw ConfObject.invalid(setPath + "[0].subnet " + range.subnet() + " overlaps " + subnetFields.get(k) + " "
                            + out.get(k).subnet() + ": each range set needs a subnet of its own");
                }
            }
            out.add(range);
            subnetFields.add(setPath + "[0].subnet");
        }
        return out;
    }

    private static NetConf.Range set(String setPath, List<Object> set) {
        if (set.isEmpty()) {
            throw ConfObject.invalid(setPath + " is empty; give at least one {\"subnet\": ...}");
        }
        IpPrefix subnet = null;
        Optional<IpAddress> gateway = Optional.empty();
        String gatewayField = null;
        List<ConfObject> ranges = new ArrayList<>();
        for (int j = 0; j < set.size(); j++) {
            ConfObject r = ConfObject.asObject(setPath + "[" + j + "]", set.get(j));
            IpPrefix s = r.requiredPrefix("subnet");
            if (subnet != null && !subnet.equals(s)) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, r.field("subnet") + " " + s + " differs from " + setPath
                        + "[0].subnet " + subnet + ": netmgr takes a range set's addresses from one subnet; put the other "
                        + "subnet in a range set of its own (the container then gets an address from each set)");
            }
            subnet = s;
            Optional<IpAddress> gw = NetConf.gatewayIn(r, subnet);
            if (gw.isPresent() && gateway.isPresent() && !gw.equals(gateway)) {
                throw ConfObject.invalid(r.field("gateway") + " " + gw.get() + " differs from " + gatewayField + " "
                        + gateway.get() + ": the ranges of a set share one subnet and so one gateway");
            }
            if (gw.isPresent()) {
                gateway = gw;
                gatewayField = r.field("gateway");
            }
            ranges.add(r);
        }
        IpamConfig whole = IpamConfig.of(subnet);
        IpAddress gw = gateway.orElse(whole.gatewayOrDefault());
        boolean bounded = ranges.stream().anyMatch(r -> r.has("rangeStart") || r.has("rangeEnd"));
        if (!bounded && ranges.size() == 1) {
            return new NetConf.Range(subnet, gateway, List.of());
        }
        List<AddressRange> parts = new ArrayList<>();
        for (ConfObject r : ranges) {
            AddressRange part = addressRange(r, subnet, whole, gw);
            for (int k = 0; k < parts.size(); k++) {
                if (parts.get(k).overlaps(part)) {
                    throw ConfObject.invalid(r.path() + " (" + part + ") overlaps " + ranges.get(k).path() + " (" + parts.get(k)
                            + "); give each address to one range");
                }
            }
            parts.add(part);
        }
        return new NetConf.Range(subnet, gateway, parts);
    }

    /** rangeStart to rangeEnd, defaulting to the subnet's first and last usable addresses. */
    private static AddressRange addressRange(ConfObject r, IpPrefix subnet, IpamConfig whole, IpAddress gateway) {
        IpAddress start = bound(r, "rangeStart", subnet).orElse(whole.firstUsable());
        IpAddress end = bound(r, "rangeEnd", subnet).orElse(whole.lastUsable());
        if (start.compareTo(end) > 0) {
            throw ConfObject.invalid(r.field("rangeStart") + " " + start + " comes after " + r.field("rangeEnd") + " " + end
                    + "; give the lower address as rangeStart");
        }
        if (start.equals(end) && start.equals(gateway)) {
            throw ConfObject.invalid(r.path() + ": rangeStart and rangeEnd are both the gateway " + gateway
                    + ", which is never handed out, so the range holds no address; widen it");
        }
        return new AddressRange(start, end);
    }

    private static Optional<IpAddress> bound(ConfObject r, String key, IpPrefix subnet) {
        Optional<IpAddress> a = r.address(key);
        a.ifPresent(address -> {
            if (!subnet.contains(address)) {
                throw ConfObject.invalid(r.field(key) + " " + address + " is outside " + r.field("subnet") + " " + subnet);
            }
            IpamConfig.reservedRole(subnet, address).ifPresent(role -> {
                throw ConfObject.invalid(r.field(key) + " " + address + " is the " + role + " of " + subnet
                        + ", which is never handed out; start after it or end before it");
            });
        });
        return a;
    }
}
