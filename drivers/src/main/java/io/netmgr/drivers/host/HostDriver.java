package io.netmgr.drivers.host;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.JoinInfo;
import io.netmgr.core.driver.PassiveDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.netlink.ns.NetNs;

/** Host networking: the container uses the host's namespace itself; there is nothing to make. */
public final class HostDriver extends PassiveDriver {

    @Override
    public String name() {
        return "host";
    }

    @Override
    public boolean usesHostNamespace() {
        return true;
    }

    @Override
    public JoinInfo join(HostContext host, Network network, Endpoint endpoint, NetNs sandbox) {
        if (!sandbox.sameAs(host.namespace())) {
            throw NetmgrException.invalid("only a sandbox of the host's own namespace (" + host.namespace()
                    + ") can join the host network; adopt that namespace as the sandbox");
        }
        return JoinInfo.NOTHING;
    }
}
