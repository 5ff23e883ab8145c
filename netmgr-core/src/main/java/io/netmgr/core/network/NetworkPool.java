package io.netmgr.core.network;

/**
 * One address pool of a network, as IPAM granted it: pool id, subnet and gateway in text form,
 * and where in the subnet addresses are handed out ({@code ipRange}: Docker's IPRange such as
 * {@code 10.1.0.128/25}, or CNI address ranges such as {@code 10.1.0.10-10.1.0.20}; null for the
 * whole subnet, as in records stored before it existed).
 */
public record NetworkPool(String poolId, String subnet, String gateway, String ipRange) {
}
