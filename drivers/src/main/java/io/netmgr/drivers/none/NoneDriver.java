package io.netmgr.drivers.none;

import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.ns.NetNs;

/** No networking: the sandbox keeps only its loopback, which netmgr brought up when it made it. */
public final class NoneDriver implements NetworkDriver {

    @Override
    public String name() {
        return "none";
    }

    @Override
    public void createNetwork(HostContext host, Network network) {
    }

    @Override
    public void deleteNetwork(HostContext host, Network network) {
    }

    @Override
    public JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        return JoinInfo.NOTHING;
    }

    @Override
    public void leave(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
    }
}
