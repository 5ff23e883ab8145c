package io.netmgr.cni.command;

import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.netlink.NetlinkHandle;
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

    /** The kernel features {@code driver} needs that this kernel refuses; empty when all work. */
    static List<String> missing(NetworkDriver driver) {
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
            missing.addAll(driver.missingKernelFeatures(h));
        } finally {
            ns.close();
            NetNs.delete(name);
        }
        return missing;
    }
}
