package io.netmgr.netlink.link;

/** Any other link the kernel reports (loopback, physical NICs, kinds netmgr does not model). */
public record GenericLink(LinkAttrs attrs, String kind) implements Link {
}
