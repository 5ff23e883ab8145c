package io.netmgr.core.controller;

import io.netmgr.core.store.Lease;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * This host as one of the hosts sharing a cluster store: its id (its endpoints on global
 * networks are filed under it), its underlay address, where other hosts reach its VXLAN
 * endpoints, and the lease its peer entries live under, if it has one (the host registry's:
 * when the host dies the lease expires and its entries go with it).
 */
record ClusterMember(String hostId, String advertiseAddress, Supplier<Optional<Lease>> lease) {
}
