package io.netmgr.core.driver;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;

/** The namespace a controller treats as "the host", with a netlink handle on it. */
public record HostContext(NetNs namespace, NetlinkHandle netlink) {
}
