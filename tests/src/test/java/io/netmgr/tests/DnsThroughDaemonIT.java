package io.netmgr.tests;

import static io.netmgr.tests.NetmgrdIT.cli;
import static io.netmgr.tests.NetmgrdIT.inspect;
import static io.netmgr.tests.NetmgrdIT.name;
import static io.netmgr.netlink.testing.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.dns.testing.FakeUpstream;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The containers' resolver as netmgrd runs it, driven with the built CLI: a sandbox resolves
 * another by name, a service by its name (its VIP) and tasks.NAME (its backends), and a name
 * outside through the upstream netmgrd was given (a fake one on the test host's loopback), with
 * {@code netmgr sandbox exec} and {@code ip netns exec} alike; a netmgrd killed outright answers
 * again once started; the resolv.conf goes with the sandbox, and a sandbox on the default network
 * gets none.
 */
class DnsThroughDaemonIT extends DaemonOnTestHost {
    @Test
    void sandboxesResolveNamesServicesAndTheOutsideThroughNetmgrd() throws Exception {
        NetNs host = netns.create("nmdns");
        try (FakeUpstream upstream = new FakeUpstream(host, Map.of("outside.example", InetAddress.getByName("192.0.2.9")));
             DaemonProcess daemon = new DaemonProcess(dir, name(host))
                     .withArgs("--dns-upstream", "127.0.0.1:" + upstream.address().getPort()).start()) {
            ok(cli(daemon, "network", "create", "dnsfront"));
            for (String s : List.of("dnsweb", "dnsclient", "dnsplain")) {
                ok(cli(daemon, "sandbox", "create", s));
                sandboxNamespaces.add(inspect(daemon, "sandbox", s).path("namespacePath").asText());
            }
            ok(cli(daemon, "network", "connect", "--alias", "www", "dnsfront", "dnsweb"));
            ok(cli(daemon, "network", "connect", "dnsfront", "dnsclient"));
            ok(cli(daemon, "network", "connect", "bridge", "dnsplain"));
            ok(cli(daemon, "service", "create", "dnsapi", "--network", "dnsfront"));
            ok(cli(daemon, "service", "attach", "dnsapi", "dnsweb"));
            String web = address(sandboxNamespaces.get(0));
            String vip = inspect(daemon, "service", "dnsapi").path("vips").get(0).path("address").asText().replaceAll("/.*", "");

            Path clientConf = resolvConf(sandboxNamespaces.get(1));
            waitFor("the client's resolv.conf", () -> Files.exists(clientConf));
            waitFor("dnsweb resolved from the client", () -> exec(daemon, "dnsclient", "getent", "hosts", "dnsweb").exit() == 0);
            assertThat(exec(daemon, "dnsclient", "getent", "hosts", "dnsweb").out()).startsWith(web + " ");
            assertThat(exec(daemon, "dnsclient", "getent", "hosts", "www").out()).startsWith(web + " ");
            assertThat(exec(daemon, "dnsclient", "getent", "hosts", "dnsapi").out()).startsWith(vip + " ");
            assertThat(exec(daemon, "dnsclient", "getent", "hosts", "tasks.dnsapi").out()).startsWith(web + " ");
            assertThat(exec(daemon, "dnsclient", "getent", "hosts", "outside.example").out()).startsWith("192.0.2.9 ");
            try (NetNs client = NetNs.openPath(Path.of(sandboxNamespaces.get(1)))) {
                assertThat(IpOracle.exec(client, "dig", "+short", "+tries=3", "dnsapi").strip()).isEqualTo(vip);
                assertThat(IpOracle.exec(client, "dig", "+short", "+tries=3", "outside.example").strip()).isEqualTo("192.0.2.9");
            }
            assertThat(upstream.queries()).isPositive();

            assertThat(resolvConf(sandboxNamespaces.get(2))).as("the default network has no name resolution, as in Docker")
                    .doesNotExist();
            assertThat(exec(daemon, "dnsplain", "getent", "hosts", "dnsweb").exit()).isNotZero();
            // and no resolver of netmgr's answers in it (getent above asked the machine's resolvers)
            assertThat(exec(daemon, "dnsplain", "dig", "+short", "+tries=1", "+time=1", "@127.0.0.11", "dnsweb").exit())
                    .as("dig gets no reply from 127.0.0.11 in a sandbox on the default network (exit 9)").isEqualTo(9);

            daemon.kill(); // the resolver's sockets die with it: nothing to clean, the file stays for the next
            assertThat(clientConf).exists();
            daemon.start();
            waitFor("dnsweb resolved again after a kill -9 and a start",
                    () -> exec(daemon, "dnsclient", "getent", "hosts", "dnsweb").exit() == 0);
            assertThat(exec(daemon, "dnsclient", "getent", "hosts", "dnsapi").out()).startsWith(vip + " ");

            ok(cli(daemon, "service", "rm", "dnsapi"));
            ok(cli(daemon, "sandbox", "rm", "dnsclient"));
            waitFor("the client's resolv.conf removed with it", () -> !Files.exists(clientConf));
        }
    }

    private static Path resolvConf(String namespacePath) {
        return Path.of("/etc/netns").resolve(Path.of(namespacePath).getFileName()).resolve("resolv.conf");
    }

    private static Distribution.Result exec(DaemonProcess daemon, String sandbox, String... command) {
        try {
            String[] args = new String[command.length + 4];
            args[0] = "sandbox";
            args[1] = "exec";
            args[2] = sandbox;
            args[3] = "--";
            System.arraycopy(command, 0, args, 4, command.length);
            return cli(daemon, args);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void ok(Distribution.Result r) {
        assertThat(r.exit()).as(r.err()).isZero();
    }


    /** The sandbox's IPv4 address on eth0, as the kernel has it. */
    private static String address(String namespacePath) {
        try (NetNs ns = NetNs.openPath(Path.of(namespacePath))) {
            return IpOracle.ip(ns, "-4", "addr", "show", "eth0").get(0).path("addr_info").get(0).path("local").asText();
        }
    }
}
