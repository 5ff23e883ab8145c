package io.netmgr.core.kernel;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A sandbox's namespace entered, with a netlink handle in it opened when first needed (a leave needs none). */
final class LinuxSandboxNamespace implements SandboxNamespace {
    private final NetNs ns;
    private NetlinkHandle netlink;

    private LinuxSandboxNamespace(NetNs ns) {
        this.ns = ns;
    }

    static LinuxSandboxNamespace enter(NetNs ns) {
        return new LinuxSandboxNamespace(ns);
    }

    @Override
    public NetNs handle() {
        return ns;
    }

    @Override
    public boolean hasInterface(String ifName) {
        return netlink().links().find(ifName).isPresent();
    }

    @Override
    public String nextFreeInterfaceName() {
        Set<String> used = netlink().links().list().stream().map(Link::name).collect(Collectors.toSet());
        for (int i = 0; ; i++) {
            if (!used.contains("eth" + i)) {
                return "eth" + i;
            }
        }
    }

    @Override
    public void configure(String ifName, Endpoint endpoint, List<SandboxRoutes.Wanted> routes) {
        NetlinkHandle h = netlink();
        int index = h.links().get(ifName).index();
        for (IpNet ip : endpoint.addresses()) {
            // DAD would leave an IPv6 address tentative (unusable) for a second or more
            h.addresses().add(Address.of(index, ip).withFlags(ip.isIpv6() ? Address.NODAD : 0));
        }
        h.links().setUp(index, ifName);
        SandboxRoutes.program(h, index, routes);
    }

    @Override
    public Optional<List<SandboxRoutes.Wanted>> restoreRoutes(String ifName, List<SandboxRoutes.Wanted> wanted) {
        NetlinkHandle h = netlink();
        Optional<Link> link = h.links().find(ifName);
        if (link.isEmpty()) {
            return Optional.empty();
        }
        List<SandboxRoutes.Wanted> missing = SandboxRoutes.missing(h, link.get().index(), wanted);
        SandboxRoutes.program(h, link.get().index(), missing);
        return Optional.of(missing);
    }

    @Override
    public List<String> drift(Endpoint e, List<SandboxRoutes.Wanted> wanted) {
        NetlinkHandle h = netlink();
        Link link = h.links().find(e.interfaceName()).orElse(null);
        if (link == null) {
            return List.of("interface " + e.interfaceName() + " is missing from " + ns.path());
        }
        List<String> drift = new ArrayList<>();
        String mac = link.attrs().macAddress().map(Object::toString).orElse("");
        if (!mac.equalsIgnoreCase(e.mac())) {
            drift.add(e.interfaceName() + " has MAC " + mac + ", expected " + e.mac());
        }
        if (!link.attrs().up()) {
            drift.add(e.interfaceName() + " is down");
        }
        Set<IpNet> present = h.addresses().list(link.attrs().index()).stream().map(Address::ip).collect(Collectors.toSet());
        for (IpNet addr : e.addresses()) {
            if (!present.contains(addr)) {
                drift.add(e.interfaceName() + " lacks address " + addr);
            }
        }
        for (SandboxRoutes.Wanted r : SandboxRoutes.missing(h, link.attrs().index(), wanted)) {
            drift.add("route " + r + " is missing");
        }
        return drift;
    }

    private NetlinkHandle netlink() {
        if (netlink == null) {
            netlink = NetlinkHandle.open(ns);
        }
        return netlink;
    }

    @Override
    public void close() {
        try {
            if (netlink != null) {
                netlink.close();
            }
        } finally {
            ns.close();
        }
    }
}
