package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.inspect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.Traffic;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster store over TLS end to end: two hosts' built netmgrd on an etcd that serves TLS only
 * and requires client certificates, given --cluster-cacert, --cluster-cert and --cluster-key, as an
 * operator would. They register (node ls), and an overlay made on one carries TCP between
 * sandboxes on both; a CA that did not sign etcd's certificate is refused at start naming the flag.
 */
class ClusterTlsIT {

    @RegisterExtension
    static final ClusterHosts CLUSTER = ClusterHosts.overTls(2);

    @RegisterExtension
    final DaemonSandboxes sandboxes = new DaemonSandboxes();

    @Test
    void hostsRegisterAndAnOverlayCarriesTrafficOverAnEtcdRequiringClientCertificates() throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        ClusterHosts.Host two = CLUSTER.hosts.get(1);
        for (ClusterHosts.Host host : CLUSTER.hosts) {
            List<String> rows = new ArrayList<>();
            for (JsonNode n : host.nodes()) {
                rows.add(n.path("advertiseAddress").asText() + " " + n.path("status").asText());
            }
            assertThat(rows).as("node ls on host " + host.number).containsExactlyInAnyOrder("198.51.100.1 alive", "198.51.100.2 alive");
        }

        var created = cli(one.daemon, "network", "create", "-d", "overlay", "--subnet", "10.94.0.0/24", "ovtls");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(cli(one.daemon, "sandbox", "create", "tweb").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "create", "tclient").exit()).isZero();
        String webPath = sandboxes.add(inspect(one.daemon, "sandbox", "tweb").path("namespacePath").asText());
        String clientPath = sandboxes.add(inspect(two.daemon, "sandbox", "tclient").path("namespacePath").asText());
        var web = cli(one.daemon, "network", "connect", "--ip", "10.94.0.10", "ovtls", "tweb");
        assertThat(web.exit()).as(web.err()).isZero();
        var client = cli(two.daemon, "network", "connect", "ovtls", "tclient");
        assertThat(client.exit()).as(client.err()).isZero();
        InetAddress address = IpAddress.parse("10.94.0.10").toInetAddress();
        try (NetNs webNs = NetNs.openPath(Path.of(webPath)); NetNs clientNs = NetNs.openPath(Path.of(clientPath));
             var echo = Traffic.echoServer(webNs, address, 7002)) {
            assertThat(OverlayClusterIT.exchangeOnceConverged(clientNs, address, 7002, "over tls")).isEqualTo("over tls");
        }
        assertThat(cli(one.daemon, "sandbox", "rm", "tweb").exit()).isZero();
        assertThat(cli(two.daemon, "sandbox", "rm", "tclient").exit()).isZero();
        var removed = cli(two.daemon, "network", "rm", "ovtls");
        assertThat(removed.exit()).as(removed.err()).isZero();
    }

    @Test
    void aCaThatDidNotSignEtcdsCertificateIsRefusedAtStartNamingTheFlag(@TempDir Path tmp) throws Exception {
        ClusterHosts.Host one = CLUSTER.hosts.get(0);
        Path wrongCa = CLUSTER.etcd.tls().cert().orElseThrow(); // a certificate, but not the CA that signed etcd's
        List<String> args = new ArrayList<>(List.of("--socket", tmp.resolve("s.sock").toString(), "--state-dir",
                tmp.resolve("state").toString(), "--host-netns", one.ns.path().toString()));
        List<String> store = new ArrayList<>(CLUSTER.storeArgs());
        store.set(store.indexOf("--cluster-cacert") + 1, wrongCa.toString());
        args.addAll(store);
        args.addAll(List.of("--advertise-addr", one.address.toString()));

        var refused = Distribution.run(Distribution.HOME.resolve("bin/netmgrd"), Map.of(), args.toArray(String[]::new));

        assertThat(refused.exit()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("netmgrd: --cluster-cacert " + wrongCa + ": etcd member " + CLUSTER.etcd.endpoints().hostPorts().get(0)
                + " presents a certificate this CA did not sign; give the CA that signed the etcd members' certificates");
    }
}
