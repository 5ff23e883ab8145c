package io.netmgr.netlink.event;

import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.link.Link;

/**
 * A change the kernel announced in a namespace: a link, an address, a neighbour entry or a
 * bridge forwarding-database entry appeared, changed or went away.
 */
public sealed interface NetlinkEvent {

    /** A link was created or changed ({@code removed} false), or deleted. */
    record LinkChanged(Link link, boolean removed) implements NetlinkEvent {
    }

    /** An address was added or deleted. */
    record AddressChanged(Address address, boolean removed) implements NetlinkEvent {
    }

    /** An ARP / NDP entry was added or changed, or deleted ({@link EventSubscription#openNeighbours}). */
    record NeighbourChanged(Neighbour neighbour, boolean removed) implements NetlinkEvent {
    }

    /** A forwarding-database entry was added or changed, or deleted ({@link EventSubscription#openNeighbours}). */
    record FdbChanged(FdbEntry entry, boolean removed) implements NetlinkEvent {
    }
}
