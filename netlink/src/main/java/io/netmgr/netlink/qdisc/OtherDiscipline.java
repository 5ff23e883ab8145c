package io.netmgr.netlink.qdisc;

/** A qdisc kind netmgr does not model (noqueue, fq_codel, ingress...), known by its name only. */
public record OtherDiscipline(String kind) implements Discipline {
    @Override
    public String toString() {
        return kind;
    }
}
