package io.netmgr.core.controller;

import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.SystemCallException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Compares a joined endpoint with the kernel: every difference, one line each (CNI's CHECK reports them). */
final class EndpointCheck {
    private final HostContext host;
    private final NetworkDriver driver;

    EndpointCheck(HostContext host, NetworkDriver driver) {
        this.host = host;
        this.driver = driver;
    }

    List<String> run(Network network, Endpoint e, Sandbox sandbox) {
        List<String> drift = new ArrayList<>();
        try (NetNs ns = NetNs.openPath(sandbox.path()); NetlinkHandle h = NetlinkHandle.open(ns)) {
            Link link = h.links().find(e.interfaceName()).orElse(null);
            if (link == null) {
                drift.add("interface " + e.interfaceName() + " is missing from " + sandbox.path());
            } else {
                checkInterface(h, link, network, e, drift);
            }
            drift.addAll(driver.verify(host, network, e, ns));
        } catch (SystemCallException ex) {
            drift.add("netns " + sandbox.path() + " cannot be entered: " + ex.getMessage());
        }
        return drift;
    }

    private void checkInterface(NetlinkHandle h, Link link, Network network, Endpoint e, List<String> drift) {
        String mac = link.attrs().macAddress().map(Object::toString).orElse("");
        if (!mac.equalsIgnoreCase(e.mac())) {
            drift.add(e.interfaceName() + " has MAC " + mac + ", expected " + e.mac());
        }
        if (!link.attrs().up()) {
            drift.add(e.interfaceName() + " is down");
        }
        Set<String> present = h.addresses().list(link.attrs().index()).stream().map(Address::ip).map(Object::toString)
                .collect(Collectors.toSet());
        for (String addr : e.addresses()) {
            if (!present.contains(addr)) {
                drift.add(e.interfaceName() + " lacks address " + addr);
            }
        }
        var wanted = SandboxRoutes.of(network, e, driver.gateways(network), List.of());
        for (SandboxRoutes.Wanted r : SandboxRoutes.missing(h, link.attrs().index(), wanted)) {
            drift.add("route " + r + " is missing");
        }
    }
}
