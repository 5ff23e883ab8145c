package io.netmgr.daemon;

import io.netmgr.core.Ids;
import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.StoreException;
import io.netmgr.engine.ClusterMembership;
import io.netmgr.engine.Engine;
import io.netmgr.store.etcd.EtcdEndpoints;
import io.netmgr.store.etcd.EtcdStore;
import io.netmgr.store.etcd.EtcdTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** netmgrd's part in a cluster: its connection to etcd and this host's registration under a lease. */
public record DaemonCluster(EtcdEndpoints endpoints, EtcdStore store, HostRegistry registry) {

    /** Connected to etcd, with the host's lasting id, before the engine opens. */
    record Connection(EtcdStore store, String hostId) {
        /** How the engine registers this host (it joins the registry, so the controller's peers live under its lease). */
        ClusterMembership membership(ClusterConfig config) {
            return new ClusterMembership(store, hostId, config.advertiseAddress(), hostname(), DaemonInfo.buildVersion(),
                    config.leaseTtl());
        }

        /** This host's part in the cluster once {@code engine} has registered it. */
        DaemonCluster joined(Engine engine, ClusterConfig config) {
            return new DaemonCluster(config.endpoints(), store, engine.hostRegistry().orElseThrow());
        }
    }

    /**
     * Connects to the cluster store, failing fast with "cluster store unavailable: ..." when no
     * member answers, and reads (or makes, the first time) this host's id in {@code stateDir}.
     */
    static Connection connect(ClusterConfig config, Path stateDir) {
        String hostId = hostId(stateDir);
        try {
            return new Connection(EtcdStore.connect(new EtcdStore.Config(config.endpoints()).withTls(config.tls())), hostId);
        } catch (StoreException.Unavailable e) {
            // a CA that did not sign the members' certificates looks like members that never answer: say which flag is wrong
            Optional<Path> cacert = config.tls().map(EtcdTls::cacert);
            Optional<String> untrusted = cacert.flatMap(ca -> EtcdTrustCheck.untrusted(config.endpoints(), ca));
            if (untrusted.isPresent()) {
                throw new IllegalArgumentException("--cluster-cacert " + cacert.get() + ": " + untrusted.get()
                        + "; give the CA that signed the etcd members' certificates (etcd's --trusted-ca-file)", e);
            }
            throw e;
        }
    }

    // the id survives restarts and stays with the state directory (one per host namespace)
    private static String hostId(Path stateDir) {
        Path file = stateDir.resolve("host-id");
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) {
                String id = Files.readString(file).trim();
                if (id.matches("[0-9a-f]{64}")) {
                    return id;
                }
                throw new IllegalStateException(file + " does not hold a host id (64 hex digits); remove it to get a new one");
            }
            String id = Ids.newId();
            Path temp = stateDir.resolve("host-id.tmp");
            Files.writeString(temp, id + "\n");
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep this host's id in " + file + ": " + e.getMessage(), e);
        }
    }

    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
