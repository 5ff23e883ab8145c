package io.netmgr.core.cluster;

/**
 * A host as {@code netmgr node ls} shows it: alive while its lease lives (its daemon keeps it alive
 * or was restarted within the TTL), down once the lease expired; {@code self} is the asking host.
 */
public record ClusterHost(HostInfo info, boolean alive, boolean self) {
}
