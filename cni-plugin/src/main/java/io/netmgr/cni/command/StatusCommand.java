package io.netmgr.cni.command;

import io.netmgr.cni.CniError;
import io.netmgr.cni.config.CniDrivers;
import io.netmgr.cni.config.NetConf;
import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.driver.NetworkDriver;
import java.util.ArrayList;
import java.util.List;

/**
 * STATUS: whether netmgr can serve ADDs for this configuration: the kernel makes the links its
 * driver needs (tried in a throwaway namespace) and the host has what the driver needs for the
 * configuration's options (a macvlan master). The store and host namespace are proven usable
 * by opening them before this runs.
 */
public final class StatusCommand {
    private StatusCommand() {
    }

    public static void run(NetworkController c, NetConf conf) {
        NetworkDriver driver = CniDrivers.get(conf.driver());
        List<String> missing = new ArrayList<>(KernelProbe.missing(driver));
        missing.addAll(driver.missingOnHost(c.host(), conf.driverOptions()));
        if (!missing.isEmpty()) {
            throw new CniError(CniError.NOT_AVAILABLE, "netmgr cannot serve network " + conf.name() + ": missing "
                    + String.join(", ", missing));
        }
    }
}
