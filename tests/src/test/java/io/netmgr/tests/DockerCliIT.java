package io.netmgr.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The unmodified docker CLI (client only, no dockerd) managing netmgr networks through netmgrd's socket. */
class DockerCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @TempDir
    Path dir;

    @Test
    void dockerNetworkCommandsWork() throws Exception {
        Path docker = dockerCli();
        NetNs host = netns.create("dock");
        String sandboxNs = null;
        try (DaemonProcess daemon = new DaemonProcess(dir, NetmgrdIT.name(host)).start()) {
            Map<String, String> env = Map.of("DOCKER_HOST", daemon.host(), "DOCKER_CONFIG", dir.resolve("docker").toString());

            var version = Distribution.run(docker, env, "version", "--format", "{{.Server.APIVersion}}");
            assertThat(version.exit()).as(version.err()).isZero();
            assertThat(version.out().trim()).isEqualTo("1.47");

            var created = Distribution.run(docker, env, "network", "create", "--subnet", "10.98.0.0/24", "--gateway", "10.98.0.254",
                    "--internal", "--label", "team=blue", "-o", "mtu=1400", "back");
            assertThat(created.exit()).as(created.err()).isZero();
            String id = created.out().trim();
            assertThat(IpOracle.ip(host, "link", "show", "nm-" + id.substring(0, 12)).get(0).path("mtu").asInt()).isEqualTo(1400);

            assertThat(Distribution.run(docker, env, "network", "ls", "--format", "{{.Name}}").out().lines())
                    .containsExactly("back", "bridge", "host", "none");
            assertThat(Distribution.run(docker, env, "network", "ls", "-f", "label=team=blue", "-q").out().trim())
                    .isEqualTo(id.substring(0, 12));
            assertThat(Distribution.run(docker, env, "network", "ls", "-f", "type=custom", "--format", "{{.Name}} {{.Driver}} {{.Scope}}").out())
                    .isEqualTo("back bridge local\n");
            assertThat(Distribution.run(docker, env, "network", "inspect", "back", "--format",
                    "{{.Name}} {{.Internal}} {{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}} {{.Labels.team}}").out())
                    .isEqualTo("back true 10.98.0.0/24 10.98.0.254 blue\n");

            var dup = Distribution.run(docker, env, "network", "create", "back");
            assertThat(dup.exit()).isEqualTo(1);
            assertThat(dup.err()).contains("Error response from daemon: network with name back already exists");
            var overlap = Distribution.run(docker, env, "network", "create", "--subnet", "10.98.0.0/16", "other");
            assertThat(overlap.err()).contains("invalid pool request: Pool overlaps with other one on this address space");
            assertThat(Distribution.run(docker, env, "network", "rm", "bridge").err())
                    .contains("bridge is a pre-defined network and cannot be removed");
            // the daemon's 404: docker 20.10 (Debian 12's docker.io) words it itself, later CLIs print the daemon's message
            assertThat(Distribution.run(docker, env, "network", "inspect", "nosuch").err())
                    .containsAnyOf("network nosuch not found", "No such network: nosuch");

            // a netmgr sandbox plays the container
            var sandbox = NetmgrdIT.cli(daemon, "sandbox", "create", "app");
            assertThat(sandbox.exit()).as(sandbox.err()).isZero();
            sandboxNs = "/run/netns/nm-" + sandbox.out().trim().substring(0, 12);
            var connect = Distribution.run(docker, env, "network", "connect", "--ip", "10.98.0.5", "back", "app");
            assertThat(connect.exit()).as(connect.err()).isZero();
            JsonNode inspected = JSON.readTree(Distribution.run(docker, env, "network", "inspect", "back").out()).get(0);
            JsonNode container = inspected.path("Containers").elements().next();
            assertThat(container.path("Name").asText()).isEqualTo("app");
            assertThat(container.path("IPv4Address").asText()).isEqualTo("10.98.0.5/24");
            var rmBusy = Distribution.run(docker, env, "network", "rm", "back");
            assertThat(rmBusy.exit()).isEqualTo(1);
            assertThat(rmBusy.err()).contains("has active endpoints");
            assertThat(Distribution.run(docker, env, "network", "disconnect", "back", "app").exit()).isZero();

            Distribution.run(docker, env, "network", "create", "--subnet", "10.98.1.0/24", "spare");
            var pruned = Distribution.run(docker, env, "network", "prune", "-f");
            assertThat(pruned.out()).contains("back").contains("spare");
            assertThat(Distribution.run(docker, env, "network", "ls", "-q").out().lines()).hasSize(3);
            assertThat(NetmgrdIT.cli(daemon, "sandbox", "rm", "app").exit()).isZero();
        } finally {
            if (sandboxNs != null && Files.exists(Path.of(sandboxNs))) {
                NetNs.delete(Path.of(sandboxNs).getFileName().toString());
            }
        }
    }

    @Test
    void filtersRangesErrorsPruneAndEventsAsDockerShowsThem() throws Exception {
        Path docker = dockerCli();
        NetNs host = netns.create("dockf");
        String sandboxNs = null;
        try (DaemonProcess daemon = new DaemonProcess(dir, NetmgrdIT.name(host)).start()) {
            Map<String, String> env = Map.of("DOCKER_HOST", daemon.host(), "DOCKER_CONFIG", dir.resolve("docker").toString());
            long since = Instant.now().getEpochSecond();
            var ranged = Distribution.run(docker, env, "network", "create", "--subnet", "10.88.0.0/24", "--ip-range", "10.88.0.64/26",
                    "--aux-address", "nas=10.88.0.9", "--attachable", "--label", "tier=db", "-o", "mtu=1450", "ranged");
            assertThat(ranged.exit()).as(ranged.err()).isZero();
            String rangedId = ranged.out().trim();
            assertThat(Distribution.run(docker, env, "network", "create", "--ipv6", "--subnet", "fd00:88::/64", "--subnet", "10.88.1.0/24",
                    "--internal", "six").exit()).isZero();

            assertThat(Distribution.run(docker, env, "network", "inspect", "ranged", "--format",
                    "{{range .IPAM.Config}}{{.Subnet}} {{.IPRange}} {{.AuxiliaryAddresses.nas}}{{end}} {{.Attachable}} {{.Internal}} "
                            + "{{.EnableIPv6}} {{.Labels.tier}} {{.Options.mtu}}").out())
                    .isEqualTo("10.88.0.0/24 10.88.0.64/26 10.88.0.9 true false false db 1450\n");
            assertThat(Distribution.run(docker, env, "network", "inspect", "six", "--format",
                    "{{range .IPAM.Config}}{{.Subnet}},{{end}} {{.Attachable}} {{.Internal}} {{.EnableIPv6}}").out())
                    .isEqualTo("10.88.1.0/24,fd00:88::/64, false true true\n");

            // docker network ls -f, each key docker offers
            assertThat(ls(docker, env, "driver=bridge")).containsExactly("bridge", "ranged", "six");
            assertThat(ls(docker, env, "driver=host")).containsExactly("host");
            assertThat(ls(docker, env, "name=ang")).containsExactly("ranged");
            assertThat(ls(docker, env, "id=" + rangedId.substring(0, 8))).containsExactly("ranged");
            assertThat(ls(docker, env, "label=tier")).containsExactly("ranged");
            assertThat(ls(docker, env, "label=tier=web")).isEmpty();
            assertThat(ls(docker, env, "scope=local")).containsExactly("bridge", "host", "none", "ranged", "six");
            assertThat(ls(docker, env, "scope=swarm")).isEmpty();
            assertThat(ls(docker, env, "type=builtin")).containsExactly("bridge", "host", "none");
            assertThat(Distribution.run(docker, env, "network", "ls", "-f", "type=custom", "-f", "driver=bridge", "--format",
                    "{{.ID}} {{.Name}} {{.Internal}} {{.IPv6}} {{.Labels}}").out().lines())
                    .containsExactly(rangedId.substring(0, 12) + " ranged false false tier=db",
                            Distribution.run(docker, env, "network", "inspect", "-f", "{{.Id}}", "six").out().substring(0, 12)
                                    + " six true true ");
            assertThat(Distribution.run(docker, env, "network", "ls", "-f", "colour=red").err())
                    .contains("Error response from daemon: invalid filter 'colour'");

            // a sandbox plays the container: its address comes from the IP range
            var sandbox = NetmgrdIT.cli(daemon, "sandbox", "create", "db");
            assertThat(sandbox.exit()).as(sandbox.err()).isZero();
            sandboxNs = "/run/netns/nm-" + sandbox.out().trim().substring(0, 12);
            assertThat(Distribution.run(docker, env, "network", "connect", "ranged", "db").exit()).isZero();
            assertThat(Distribution.run(docker, env, "network", "inspect", "ranged", "--format",
                    "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}").out()).isEqualTo("db 10.88.0.64/24\n");
            assertThat(Distribution.run(docker, env, "network", "connect", "ranged", "ghost").err())
                    .isEqualTo("Error response from daemon: No such container: ghost\n");
            assertThat(Distribution.run(docker, env, "network", "disconnect", "ranged", "ghost").err())
                    .isEqualTo("Error response from daemon: No such container: ghost\n");
            assertThat(Distribution.run(docker, env, "network", "connect", "ranged", "db").err())
                    .contains("Error response from daemon: endpoint with name db already exists in network ranged");
            assertThat(Distribution.run(docker, env, "network", "disconnect", "ranged", "db").exit()).isZero();
            assertThat(Distribution.run(docker, env, "network", "create", "-d", "overlay2", "x").err())
                    .contains("Error response from daemon: plugin \"overlay2\" not found");

            // prune with docker's filters: only what the label picks, never a network in use
            assertThat(Distribution.run(docker, env, "network", "connect", "six", "db").exit()).isZero();
            var pruned = Distribution.run(docker, env, "network", "prune", "-f", "--filter", "label!=tier");
            assertThat(pruned.out()).doesNotContain("ranged").doesNotContain("six");
            assertThat(Distribution.run(docker, env, "network", "prune", "-f", "--filter", "label=tier").out()).contains("ranged");
            assertThat(ls(docker, env, "type=custom")).containsExactly("six");
            assertThat(Distribution.run(docker, env, "network", "disconnect", "six", "db").exit()).isZero();
            assertThat(Distribution.run(docker, env, "network", "rm", "six").exit()).isZero();

            // docker events: the network events of that window, then the stream ends
            long until = Instant.now().getEpochSecond() + 1;
            var events = Distribution.run(docker, env, "events", "--since", String.valueOf(since), "--until", String.valueOf(until),
                    "--filter", "type=network", "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.container}}");
            assertThat(events.exit()).as(events.err()).isZero();
            String db = sandbox.out().trim();
            assertThat(events.out().lines()).containsExactly("network create ranged <no value>", "network create six <no value>",
                    "network connect ranged " + db, "network disconnect ranged " + db, "network connect six " + db,
                    "network destroy ranged <no value>", "network disconnect six " + db, "network destroy six <no value>");
            assertThat(Distribution.run(docker, env, "events", "--since", String.valueOf(since), "--until", String.valueOf(until),
                    "--filter", "event=destroy", "--filter", "network=six", "--format", "{{.Action}} {{.Actor.ID}}").out().lines())
                    .hasSize(1).allMatch(l -> l.startsWith("destroy "));
            assertThat(NetmgrdIT.cli(daemon, "sandbox", "rm", "db").exit()).isZero();
        } finally {
            if (sandboxNs != null && Files.exists(Path.of(sandboxNs))) {
                NetNs.delete(Path.of(sandboxNs).getFileName().toString());
            }
        }
    }

    private static List<String> ls(Path docker, Map<String, String> env, String filter) throws Exception {
        var r = Distribution.run(docker, env, "network", "ls", "-f", filter, "--format", "{{.Name}}");
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines().toList();
    }

    private static Path dockerCli() {
        Path docker = DockerCli.path();
        assumeTrue(docker != null, "needs the docker CLI on the PATH");
        return docker;
    }

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
