package io.netmgr.netlink.link;

/** A macvlan child of a parent interface ({@code parentIndex}). */
public record Macvlan(LinkAttrs attrs, int parentIndex, Mode mode) implements Link {

    /** How children of one parent may reach each other (linux/if_link.h MACVLAN_MODE_*). */
    public enum Mode {
        PRIVATE(1), VEPA(2), BRIDGE(4), PASSTHRU(8), SOURCE(16);

        public final int value;

        Mode(int value) {
            this.value = value;
        }

        public static Mode of(int value) {
            for (Mode m : values()) {
                if (m.value == value) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown macvlan mode " + value);
        }
    }

    public static Macvlan on(String name, int parentIndex, Mode mode) {
        return new Macvlan(LinkAttrs.named(name), parentIndex, mode);
    }

    public Macvlan withAttrs(LinkAttrs attrs) {
        return new Macvlan(attrs, parentIndex, mode);
    }

    @Override
    public String kind() {
        return "macvlan";
    }
}
