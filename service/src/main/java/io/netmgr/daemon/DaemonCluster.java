package io.netmgr.daemon;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.engine.ClusterMembership;
import io.netmgr.store.etcd.EtcdEndpoints;
import io.netmgr.store.etcd.EtcdStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** netmgrd's part in a cluster: its connection to etcd and this host's registration under a lease. */
public record DaemonCluster(EtcdEndpoints endpoints, EtcdStore store, HostRegistry registry) {

    /**
     * Connects to the cluster store, failing fast with "cluster store unavailable: ..." when no
     * member answers, before the engine touches anything.
     */
    static EtcdStore connect(ClusterConfig config) {
        return EtcdStore.connect(new EtcdStore.Config(config.endpoints()).withTls(config.tls()));
    }

    /** How the engine joins the cluster through {@code store}: this host's address, name and lease TTL. */
    static ClusterMembership membership(EtcdStore store, ClusterConfig config) {
        return new ClusterMembership(store, config.advertiseAddress(), hostname(), config.leaseTtl());
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
