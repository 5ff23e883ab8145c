package io.netmgr.core.driver;

/**
 * A value a global network holds alone in the cluster, such as an overlay's VNI: claimed in the
 * transaction that stores the network, released in the one that forgets it.
 *
 * @param kind   what sort of value ("vni"): values of one kind are unique
 * @param value  the value, as text ("4096")
 * @param option how the user names it, for messages ("vxlan.id 4096")
 */
public record ClusterClaim(String kind, String value, String option) {
}
