package io.netmgr.netlink.event;

import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.link.Link;

/** A change the kernel announced in a namespace: a link or an address appeared, changed or went away. */
public sealed interface NetlinkEvent {

    /** A link was created or changed ({@code removed} false), or deleted. */
    record LinkChanged(Link link, boolean removed) implements NetlinkEvent {
    }

    /** An address was added or deleted. */
    record AddressChanged(Address address, boolean removed) implements NetlinkEvent {
    }
}
