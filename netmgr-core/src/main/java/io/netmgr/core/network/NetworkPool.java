package io.netmgr.core.network;

/** One address pool of a network, as IPAM granted it: pool id, subnet and gateway in text form. */
public record NetworkPool(String poolId, String subnet, String gateway) {
}
