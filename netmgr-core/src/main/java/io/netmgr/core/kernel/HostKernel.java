package io.netmgr.core.kernel;

import io.netmgr.core.driver.HostContext;
import io.netmgr.netlink.ns.NetNs;

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

    /** Deletes host link {@code name}; false when there is none. */
    boolean deleteLinkIfExists(String name);

    /** Waits for pending link deletions and releases the handles. */
    @Override
    void close();
}
