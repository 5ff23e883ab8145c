package io.netmgr.netlink.qdisc;

/**
 * A queueing discipline as the kernel reports it: the link it is on, its handle
 * ({@code major:minor} in one int, 0 for a device's default qdisc), its parent
 * ({@link #ROOT} for the one on the device's egress) and what it does.
 */
public record Qdisc(int linkIndex, int handle, int parent, Discipline discipline) {
    /** TC_H_ROOT: the qdisc on the device's egress. */
    public static final int ROOT = 0xFFFFFFFF;

    public boolean isRoot() {
        return parent == ROOT;
    }

    public String kind() {
        return discipline.kind();
    }

    @Override
    public String toString() {
        return discipline + " " + Integer.toHexString(handle >>> 16) + ": " + (isRoot() ? "root" : "parent "
                + Integer.toHexString(parent >>> 16) + ":" + Integer.toHexString(parent & 0xffff)) + " on link #" + linkIndex;
    }
}
