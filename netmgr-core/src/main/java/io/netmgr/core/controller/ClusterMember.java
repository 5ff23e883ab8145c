package io.netmgr.core.controller;

/**
 * This host as one of the hosts sharing a cluster store: its id (its endpoints on global
 * networks are filed under it) and its underlay address, where other hosts reach its VXLAN
 * endpoints.
 */
record ClusterMember(String hostId, String advertiseAddress) {
}
