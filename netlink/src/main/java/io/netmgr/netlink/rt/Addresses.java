package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpNet;
import java.util.List;

/** Address operations in one namespace: add, replace, delete and list IPv4 and IPv6 addresses. */
public final class Addresses {
    private final NetlinkSocket socket;
    private final Links links;

    public Addresses(NetlinkSocket socket, Links links) {
        this.socket = socket;
        this.links = links;
    }

    /** Adds {@code ip} to the link named {@code link}. */
    public void add(String link, IpNet ip) {
        add(Address.of(links.get(link).index(), ip));
    }

    /** Adds {@code a}; fails with EEXIST when the link has it already. */
    public void add(Address a) {
        socket.execute(AddressCodec.add(a), "add address " + a.ip() + " to link #" + a.linkIndex());
    }

    /** Adds {@code a} or updates it in place. */
    public void replace(Address a) {
        socket.execute(AddressCodec.replace(a), "replace address " + a.ip() + " on link #" + a.linkIndex());
    }

    public void delete(String link, IpNet ip) {
        delete(Address.of(links.get(link).index(), ip));
    }

    /** Deletes {@code a}; fails with EADDRNOTAVAIL when the link does not have it. */
    public void delete(Address a) {
        socket.execute(AddressCodec.delete(a), "delete address " + a.ip() + " from link #" + a.linkIndex());
    }

    /** Every address in the namespace. */
    public List<Address> list() {
        return socket.query(AddressCodec.dump(Rt.AF_UNSPEC), "list addresses", AddressCodec::decode);
    }

    /** The addresses of one link. */
    public List<Address> list(int linkIndex) {
        return list().stream().filter(a -> a.linkIndex() == linkIndex).toList();
    }

    public List<Address> list(String link) {
        return list(links.get(link).index());
    }
}
