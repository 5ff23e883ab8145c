package io.netmgr.netlink.rt;

/** rtnetlink message types and attribute numbers (linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h, pkt_sched.h). */
public final class Rt {
    public static final int RTM_NEWLINK = 16, RTM_DELLINK = 17, RTM_GETLINK = 18, RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20, RTM_DELADDR = 21, RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24, RTM_DELROUTE = 25, RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28, RTM_DELNEIGH = 29, RTM_GETNEIGH = 30;
    public static final int RTM_NEWQDISC = 36, RTM_DELQDISC = 37, RTM_GETQDISC = 38;

    public static final int AF_UNSPEC = 0, AF_INET = 2, AF_BRIDGE = 7, AF_INET6 = 10;

    /** struct ifinfomsg. */
    public static final int IFINFOMSG_LEN = 16;
    public static final int IFLA_ADDRESS = 1, IFLA_BROADCAST = 2, IFLA_IFNAME = 3, IFLA_MTU = 4, IFLA_LINK = 5,
            IFLA_MASTER = 10, IFLA_PROTINFO = 12, IFLA_TXQLEN = 13, IFLA_OPERSTATE = 16, IFLA_LINKINFO = 18,
            IFLA_NET_NS_PID = 19, IFLA_IFALIAS = 20, IFLA_NET_NS_FD = 28, IFLA_EXT_MASK = 29;
    public static final int IFLA_INFO_KIND = 1, IFLA_INFO_DATA = 2;
    public static final int VETH_INFO_PEER = 1;
    public static final int IFLA_MACVLAN_MODE = 1;
    public static final int IFLA_VXLAN_ID = 1, IFLA_VXLAN_GROUP = 2, IFLA_VXLAN_LINK = 3, IFLA_VXLAN_LOCAL = 4,
            IFLA_VXLAN_TTL = 5, IFLA_VXLAN_LEARNING = 7, IFLA_VXLAN_PROXY = 11, IFLA_VXLAN_PORT = 15,
            IFLA_VXLAN_GROUP6 = 16, IFLA_VXLAN_LOCAL6 = 17;
    public static final int IFLA_BRPORT_MODE = 4, IFLA_BRPORT_LEARNING = 8;
    public static final int RTEXT_FILTER_VF = 1;

    /** struct ifaddrmsg and IFA_*. */
    public static final int IFADDRMSG_LEN = 8;
    public static final int IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_LABEL = 3, IFA_BROADCAST = 4, IFA_FLAGS = 8;

    /** struct rtmsg and RTA_*. */
    public static final int RTMSG_LEN = 12;
    public static final int RTA_DST = 1, RTA_SRC = 2, RTA_IIF = 3, RTA_OIF = 4, RTA_GATEWAY = 5, RTA_PRIORITY = 6,
            RTA_PREFSRC = 7, RTA_TABLE = 15;
    public static final int RTN_UNICAST = 1, RTN_LOCAL = 2, RTN_BROADCAST = 3, RTN_MULTICAST = 5;
    public static final int RTPROT_KERNEL = 2, RTPROT_BOOT = 3, RTPROT_STATIC = 4;
    public static final int RT_TABLE_COMPAT = 252, RT_TABLE_MAIN = 254, RT_TABLE_LOCAL = 255;
    public static final int RTNH_F_ONLINK = 4;

    /** struct ndmsg and NDA_*. */
    public static final int NDMSG_LEN = 12;
    public static final int NDA_DST = 1, NDA_LLADDR = 2, NDA_PORT = 6, NDA_VNI = 7, NDA_IFINDEX = 8, NDA_MASTER = 9;
    public static final int NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_NOARP = 0x40, NUD_PERMANENT = 0x80;
    public static final int NTF_SELF = 0x02, NTF_MASTER = 0x04;

    /** struct tcmsg and TCA_* (traffic control). */
    public static final int TCMSG_LEN = 20;
    public static final int TCA_KIND = 1, TCA_OPTIONS = 2;
    /** tc_tbf_qopt and TCA_TBF_* (pkt_sched.h). */
    public static final int TC_TBF_QOPT_LEN = 36;
    public static final int TCA_TBF_PARMS = 1, TCA_TBF_RATE64 = 4, TCA_TBF_BURST = 6;
    public static final int TC_LINKLAYER_ETHERNET = 1;

    /** Multicast groups (bit masks for bind) of link and address events. */
    public static final int RTMGRP_LINK = 0x1, RTMGRP_NEIGH = 0x4, RTMGRP_IPV4_IFADDR = 0x10, RTMGRP_IPV6_IFADDR = 0x100;

    private Rt() {
    }
}
