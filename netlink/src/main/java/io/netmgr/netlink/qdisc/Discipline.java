package io.netmgr.netlink.qdisc;

/** What a qdisc does, one record per kind netmgr sets up, so a {@code switch} over it is exhaustive. */
public sealed interface Discipline permits Tbf, OtherDiscipline {

    /** The kernel's TCA_KIND ("tbf", "noqueue", "fq_codel"...). */
    String kind();
}
