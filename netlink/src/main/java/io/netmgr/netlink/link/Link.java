package io.netmgr.netlink.link;

/**
 * A network interface of one kind. Each kind is a record carrying its own settings, so a
 * {@code switch} over a Link is exhaustive.
 */
public sealed interface Link permits Bridge, Veth, Vxlan, Macvlan, GenericLink {

    LinkAttrs attrs();

    /** The kernel's IFLA_INFO_KIND ("bridge", "veth", ...), empty for plain devices like lo. */
    String kind();

    default String name() {
        return attrs().name();
    }

    default int index() {
        return attrs().index();
    }
}
