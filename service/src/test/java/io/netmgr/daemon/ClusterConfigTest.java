package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** netmgrd's cluster flags and netmgrd.json keys, checked before anything starts. */
class ClusterConfigTest {

    private static NetmgrdOptions parse(String... args) {
        return NetmgrdOptions.parse(args);
    }

    private static Optional<ClusterConfig> cluster(String... args) {
        return ClusterConfig.of(parse(args).cluster());
    }

    @Test
    void withoutAClusterStoreThereIsNoCluster() {
        assertThat(cluster()).isEmpty();
    }

    @Test
    void theFlagsMakeACluster() {
        ClusterConfig c = cluster("--cluster-store", "etcd://10.0.0.1:2379,etcd1:2379", "--advertise-addr=10.0.0.5",
                "--cluster-lease-ttl", "5s").orElseThrow();

        assertThat(c.endpoints().hostPorts()).containsExactly("10.0.0.1:2379", "etcd1:2379");
        assertThat(c.advertiseAddress()).hasToString("10.0.0.5");
        assertThat(c.leaseTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.tls()).isEmpty();
        assertThat(cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "fd00::5").orElseThrow().leaseTtl())
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void badValuesAreRefusedNamingTheFlag() {
        assertThatThrownBy(() -> cluster("--cluster-store", "http://10.0.0.1:2379", "--advertise-addr", "10.0.0.5"))
                .hasMessage("--cluster-store: cluster store \"http://10.0.0.1:2379\" is not an etcd URL; expected "
                        + "etcd://HOST:PORT[,HOST:PORT...], e.g. etcd://10.0.0.1:2379,10.0.0.2:2379");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://10.0.0.1:99999", "--advertise-addr", "10.0.0.5"))
                .hasMessageContaining("member \"10.0.0.1:99999\" needs a port from 1 to 65535");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://10.0.0.1:2379,", "--advertise-addr", "10.0.0.5"))
                .hasMessageContaining("member \"\" has no valid host");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://10.0.0.1:2379"))
                .hasMessageStartingWith("--advertise-addr is required with --cluster-store");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://10.0.0.1:2379", "--advertise-addr", "10.0.0.300"))
                .hasMessageContaining("--advertise-addr").hasMessageContaining("10.0.0.300");
        assertThatThrownBy(() -> cluster("--advertise-addr", "10.0.0.5"))
                .hasMessage("--advertise-addr is for a cluster: give --cluster-store etcd://HOST:PORT too");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "10.0.0.5", "--cluster-lease-ttl", "500ms"))
                .hasMessageContaining("below 1s");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "10.0.0.5", "--cluster-lease-ttl", "soon"))
                .hasMessageContaining("give e.g. 2s, 1500ms or 1m");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "10.0.0.5", "--cluster-cert", "/x"))
                .hasMessageContaining("need --cluster-cacert");
        assertThatThrownBy(() -> cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "10.0.0.5", "--cluster-cacert", "/nonexistent/ca.pem"))
                .hasMessage("--cluster-cacert /nonexistent/ca.pem: no such readable file");
    }

    @Test
    void theConfigFileKeysAreTakenAndFlagsWinOverThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("netmgrd.json");
        Files.writeString(file, "{\"clusterStore\":\"etcd://10.0.0.1:2379\",\"advertiseAddr\":\"10.0.0.5\",\"clusterLeaseTtl\":\"3s\"}");

        DaemonConfig fromFile = DaemonConfig.load(file, true, Optional.empty(), Optional.empty(), ClusterConfig.Given.NONE);
        DaemonConfig flagsWin = DaemonConfig.load(file, true, Optional.empty(), Optional.empty(),
                parse("--advertise-addr", "10.0.0.6").cluster());

        assertThat(fromFile.cluster().orElseThrow().leaseTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(fromFile.cluster().orElseThrow().advertiseAddress()).hasToString("10.0.0.5");
        assertThat(flagsWin.cluster().orElseThrow().advertiseAddress()).hasToString("10.0.0.6");
        assertThat(flagsWin.cluster().orElseThrow().endpoints().toString()).isEqualTo("etcd://10.0.0.1:2379");
    }

    @Test
    void anAdvertiseAddressTheHostDoesNotHoldOrLoopbackIsRefusedNamingTheFlagTheValueAndTheChoices() {
        java.util.Set<io.netmgr.netlink.addr.IpAddress> held = java.util.Set.of("127.0.0.1", "198.51.100.1", "10.0.0.5", "fe80::1")
                .stream().map(io.netmgr.netlink.addr.IpAddress::parse).collect(java.util.stream.Collectors.toSet());
        ClusterConfig typo = cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "198.51.100.7").orElseThrow();
        ClusterConfig loopback = cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "127.0.0.1").orElseThrow();

        assertThatThrownBy(() -> typo.checkAdvertisedBy(held, "host namespace /run/netns/h1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--advertise-addr 198.51.100.7 is not an address of this host (host namespace /run/netns/h1; its addresses:"
                        + " 10.0.0.5, 198.51.100.1): give the address of its underlay interface, which the other hosts reach it at");
        assertThatThrownBy(() -> loopback.checkAdvertisedBy(held, "host namespace /run/netns/h1"))
                .hasMessage("--advertise-addr 127.0.0.1 is a loopback address, which no other host reaches: give the address of this"
                        + " host's underlay interface (its addresses: 10.0.0.5, 198.51.100.1)");
        cluster("--cluster-store", "etcd://h:1", "--advertise-addr", "198.51.100.1").orElseThrow().checkAdvertisedBy(held, "h");
    }
}
