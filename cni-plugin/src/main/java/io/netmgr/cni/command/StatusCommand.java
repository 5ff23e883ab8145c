package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.NetConf;
import io.netmgr.drivers.macvlan.MacvlanDriver;
import java.util.ArrayList;
import java.util.List;

/**
 * STATUS: whether netmgr can serve ADDs for this configuration: the kernel makes the links its
 * driver needs (tried in a throwaway namespace) and a macvlan master exists.
 * The store and host namespace are proven usable by opening them before this runs.
 */
public final class StatusCommand {
    private StatusCommand() {
    }

    public static void run(io.netmgr.core.controller.NetworkController c, NetConf conf) {
        List<String> missing = new ArrayList<>(KernelProbe.missing(conf.driver()));
        if (conf.driver().equals(MacvlanDriver.NAME) && !c.host().netlink().links().exists(conf.master().orElseThrow())) {
            missing.add("master interface " + conf.master().get());
        }
        if (!missing.isEmpty()) {
            throw new CniError(CniError.NOT_AVAILABLE, "netmgr cannot serve network " + conf.name() + ": missing "
                    + String.join(", ", missing));
        }
    }
}
