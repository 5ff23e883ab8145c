package io.netmgr.core.driver;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;

/**
 * The namespace a controller treats as "the host", with a netlink handle on it and the reaper
 * that deletes the links a driver no longer needs ({@link LinkReaper#retire}).
 */
public record HostContext(NetNs namespace, NetlinkHandle netlink, LinkReaper reaper) {
}
