package io.netmgr.core.kernel;

import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.LinkReaper;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.rt.Rt;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        Map<Integer, String> names = new HashMap<>();
        context.netlink().links().list().forEach(l -> names.put(l.index(), l.name()));
        return context.netlink().routes().listAll().stream()
                .filter(r -> !r.isDefault() && r.type() == Rt.RTN_UNICAST && r.destination() != null)
                .map(r -> new RoutedSubnet(IpPrefix.parse(r.destination().network().toString()),
                        names.getOrDefault(r.linkIndex(), "link " + r.linkIndex())))
                .distinct().toList();
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
