package io.netmgr.core.kernel;

import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.LinkReaper;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import java.util.List;

/** The host namespace's kernel, through a netlink handle opened in it. */
final class LinuxHostKernel implements HostKernel {
    private final HostContext context;

    private LinuxHostKernel(HostContext context) {
        this.context = context;
    }

    static LinuxHostKernel open(NetNs hostNamespace) {
        NetlinkHandle netlink = NetlinkHandle.open(hostNamespace);
        return new LinuxHostKernel(new HostContext(hostNamespace, netlink, new LinkReaper(hostNamespace)));
    }

    @Override
    public HostContext context() {
        return context;
    }

    @Override
    public void reapRetiredLinks() {
        context.reaper().reapLeftovers(context.netlink());
    }

    @Override
    public List<RoutedSubnet> routedSubnets() {
        return new HostRoutes(context.netlink()).withLinks();
    }

    @Override
    public String linkName(int index) {
        try {
            return context.netlink().links().get(index).name();
        } catch (RuntimeException e) {
            return "link " + index; // gone since the routes were read
        }
    }

    @Override
    public boolean hasLink(String name) {
        return context.netlink().links().exists(name);
    }

    @Override
    public boolean deleteLinkIfExists(String name) {
        return context.netlink().links().deleteIfExists(name);
    }

    @Override
    public void close() {
        try {
            context.reaper().close(); // the retired links are deleted before the process may end
        } finally {
            context.netlink().close();
        }
    }
}
