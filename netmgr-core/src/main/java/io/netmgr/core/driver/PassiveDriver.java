package io.netmgr.core.driver;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.ns.NetNs;

/**
 * A driver that makes nothing, on the host or in the sandbox (host and none networking):
 * every step of the lifecycle does nothing, a join puts no interface anywhere. Subclasses add
 * only their checks.
 */
public abstract class PassiveDriver implements NetworkDriver {

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
