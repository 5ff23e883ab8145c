package io.netmgr.core.ipam;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import java.util.Objects;

/** An address handed out, with its subnet: what goes on an interface, printed as 10.1.0.5/24. */
public record AssignedAddress(IpAddress address, IpPrefix subnet) {

    public AssignedAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(subnet, "subnet");
        if (!subnet.contains(address)) {
            throw new IllegalArgumentException(address + " is not in " + subnet);
        }
    }

    public int prefixLength() {
        return subnet.length();
    }

    /** The address as it goes on an interface: {@code 10.1.0.5/24}. */
    public IpNet interfaceAddress() {
        return new IpNet(address, subnet.length());
    }

    @Override
    public String toString() {
        return interfaceAddress().toString();
    }
}
