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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
        Path docker = Stream.of(System.getenv("PATH").split(":")).map(p -> Path.of(p, "docker")).filter(Files::isExecutable)
                .findFirst().orElse(null);
        assumeTrue(docker != null, "needs the docker CLI on the PATH");
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
            assertThat(Distribution.run(docker, env, "network", "inspect", "nosuch").err()).contains("network nosuch not found");

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

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
