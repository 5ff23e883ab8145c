package io.netmgr.cni.command;

import io.netmgr.drivers.bridge.BridgeDriver;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Macvlan;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the kernel can make the links a driver needs, found by making them in a namespace
 * created for the probe and deleted after it: /sys/module and /lib/modules do not tell
 * (built-in features have no entry there, and containers often lack the module tree).
 */
final class KernelProbe {
    private KernelProbe() {
    }

    /** The link kinds {@code driver} needs that this kernel refuses to make; empty when all work. */
    static List<String> missing(String driver) {
        List<String> missing = new ArrayList<>();
        String name = "nm-probe-" + ProcessHandle.current().pid();
        NetNs ns = NetNs.create(name);
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            try {
                h.links().add(Veth.pair("probe0", "probe1"));
            } catch (RuntimeException e) {
                missing.add("veth links (" + e.getMessage() + ")");
                return missing;
            }
            if (driver.equals(BridgeDriver.NAME)) {
                try {
                    h.links().add(Bridge.named("probebr"));
                } catch (RuntimeException e) {
                    missing.add("bridge links (" + e.getMessage() + ")");
                }
            } else {
                try {
                    int parent = h.links().get("probe0").index();
                    h.links().add(Macvlan.on("probemv", parent, Macvlan.Mode.BRIDGE));
                } catch (RuntimeException e) {
                    missing.add("macvlan links (" + e.getMessage() + ")");
                }
            }
        } finally {
            ns.close();
            NetNs.delete(name);
        }
        return missing;
    }
}
