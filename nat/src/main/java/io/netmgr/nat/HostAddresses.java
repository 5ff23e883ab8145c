package io.netmgr.nat;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/** The addresses of a host namespace, read through netlink each time they are asked for. */
public final class HostAddresses {
    private HostAddresses() {
    }

    /** A live view of {@code ns}'s addresses (127.0.0.1 included once lo is up). */
    public static Supplier<Set<IpAddress>> of(NetNs ns) {
        return () -> {
            try (NetlinkHandle h = NetlinkHandle.open(ns)) {
                Set<IpAddress> out = new HashSet<>();
                for (Address a : h.addresses().list()) {
                    out.add(a.ip().address());
                }
                return out;
            }
        };
    }
}
