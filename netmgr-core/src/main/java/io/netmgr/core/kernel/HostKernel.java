package io.netmgr.core.kernel;

import io.netmgr.core.driver.HostContext;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import java.util.List;

/**
 * The host side of the kernel as the controller itself uses it: what drivers get to make a
 * network's links ({@link #context}), and the links netmgr left behind. The real one
 * ({@link #open}) works through netlink in the controller's host namespace; unit tests give a
 * fake, whose drivers ignore the kernel.
 */
public interface HostKernel extends AutoCloseable {

    /** The kernel of {@code hostNamespace}, through netlink, with a reaper for retired links. */
    static HostKernel open(NetNs hostNamespace) {
        return LinuxHostKernel.open(hostNamespace);
    }

    /** What drivers receive to work on the host. */
    HostContext context();

    /** Has the links a killed process retired but never deleted deleted now; called at start. */
    void reapRetiredLinks();

    /**
     * The subnets the host routes directly or through a gateway (unicast, not default), each with
     * the index of the link it leaves by: what a new network's subnet must not take over. None by default.
     */
    default List<RoutedSubnet> routedSubnets() {
        return List.of();
    }

    /** A destination the host routes, and the index of the link it routes it through. */
    record RoutedSubnet(IpPrefix destination, int linkIndex) {
    }

    /** How a message names host link {@code index}: its name, or "link N" when it is gone. */
    default String linkName(int index) {
        return "link " + index;
    }

    /** Whether the host has a link named {@code name}. None by default. */
    default boolean hasLink(String name) {
        return false;
    }

    /** Deletes host link {@code name}; false when there is none. */
    boolean deleteLinkIfExists(String name);

    /** Waits for pending link deletions and releases the handles. */
    @Override
    void close();
}
