package io.netmgr.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.cni.config.NetConf;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handler's checks before netmgr is reached: bad input never opens the store. */
class CniHandlerTest {
    private final AtomicInteger opened = new AtomicInteger();
    private final CniHandler handler = new CniHandler(new NetmgrAccess() {
        @Override
        public <T> T call(NetConf conf, CniRequest request, java.util.function.Function<io.netmgr.core.controller.NetworkController, T> work) {
            opened.incrementAndGet();
            throw new AssertionError("netmgr must not be reached");
        }

        @Override
        public <T> T inspect(NetConf conf, CniRequest request, java.util.function.BiFunction<io.netmgr.core.controller.NetworkController,
                java.util.Optional<io.netmgr.core.firewall.Firewall>, T> work) {
            return call(conf, request, c -> null);
        }
    });

    private CniResponse run(String command, String stdin, String... env) {
        Map<String, String> vars = vars(env);
        vars.put("CNI_COMMAND", command);
        return handler.handle(new CniRequest(vars, stdin));
    }

    @Test
    void versionListsEverySupportedVersion() {
        CniResponse r = run("VERSION", "{\"cniVersion\":\"0.4.0\"}");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("{\"cniVersion\":\"0.4.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
    }

    @Test
    void refusalsComeAsErrorObjectsInTheConfigurationsVersion() {
        CniResponse bad = run("ADD", "{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"netmgr\",\"subnet\":\"10.0.0.0/99\"}",
                "CNI_CONTAINERID", "c", "CNI_IFNAME", "eth0", "CNI_NETNS", "/proc/self/ns/net");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stdout()).startsWith("{\"cniVersion\":\"0.3.1\",\"code\":7,");
        assertThat(run("FROB", "{}").stdout()).contains("\"code\":4").contains("FROB");
        assertThat(run("ADD", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\"}", "CNI_IFNAME", "eth0").stdout())
                .contains("\"code\":4").contains("CNI_CONTAINERID");
        assertThat(run("GC", "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\"}").stdout()).contains("\"code\":1").contains("1.1.0");
        assertThat(run("CHECK", "{\"cniVersion\":\"0.3.1\",\"name\":\"n\",\"type\":\"netmgr\"}", "CNI_CONTAINERID", "c", "CNI_IFNAME", "eth0")
                .stdout()).contains("\"code\":1");
        assertThat(opened).hasValue(0);
    }

    @Test
    void anUnknownFirewallIsRefusedNamingWhereItCameFromBeforeNetmgrOpens(@TempDir Path tmp) {
        CniHandler perCall = new CniHandler(NetmgrAccess.perCall());
        String[] env = {"CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c", "CNI_IFNAME", "eth0", "CNI_NETNS", "/proc/self/ns/net",
                "NETMGR_STATE_DIR", tmp.resolve("state").toString()};
        CniResponse fromConf = perCall.handle(new CniRequest(vars(env),
                "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\",\"firewall\":\"ufw\"}"));
        assertThat(fromConf.stdout()).contains("\"code\":7").contains("unknown firewall \\\"ufw\\\" in the configuration's");
        Map<String, String> withEnv = vars(env);
        withEnv.put("NETMGR_FIREWALL", "pf");
        CniResponse fromEnv = perCall.handle(new CniRequest(withEnv, "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"netmgr\"}"));
        assertThat(fromEnv.stdout()).contains("\"code\":4").contains("unknown firewall \\\"pf\\\" in NETMGR_FIREWALL");
        assertThat(tmp.resolve("state")).doesNotExist(); // the store was never opened
    }

    @Test
    void anOverlayConfigurationIsRefusedInProcessSayingToRunNetmgrdBeforeNetmgrOpens(@TempDir Path tmp) {
        CniHandler perCall = new CniHandler(NetmgrAccess.perCall());
        String[] env = {"CNI_CONTAINERID", "c", "CNI_IFNAME", "eth0", "CNI_NETNS", "/proc/self/ns/net",
                "NETMGR_STATE_DIR", tmp.resolve("state").toString()};
        String overlay = "{\"cniVersion\":\"1.1.0\",\"name\":\"pods\",\"type\":\"netmgr\",\"driver\":\"overlay\","
                + "\"network\":\"cluster-pods\",\"subnet\":\"10.244.0.0/16\"";

        for (String command : new String[] {"ADD", "DEL", "CHECK", "GC"}) {
            Map<String, String> vars = vars(env);
            vars.put("CNI_COMMAND", command);
            CniResponse noDaemon = perCall.handle(new CniRequest(vars, overlay + "}"));
            assertThat(noDaemon.exitCode()).as(command).isNotZero();
            assertThat(noDaemon.stdout()).as(command).contains("\"code\":11")
                    .contains("driver \\\"overlay\\\" works only through netmgrd, and netmgrd did not run the call on /run/netmgr/netmgr.sock")
                    .contains("run netmgrd on this node with --cluster-store etcd://HOST:PORT --advertise-addr IP");
        }
        Map<String, String> add = vars(env);
        add.put("CNI_COMMAND", "ADD");
        assertThat(perCall.handle(new CniRequest(add, overlay + ",\"daemonSocket\":\"\"}")).stdout()).contains("\"code\":7")
                .contains("this configuration sets \\\"daemonSocket\\\": \\\"\\\"");
        Map<String, String> status = vars(env);
        status.put("CNI_COMMAND", "STATUS"); // the node is not ready for pods until netmgrd runs
        assertThat(perCall.handle(new CniRequest(status, overlay + "}")).stdout()).contains("\"code\":50").contains("works only through netmgrd");
        assertThat(tmp.resolve("state")).doesNotExist(); // the store was never opened
    }

    private static Map<String, String> vars(String... env) {
        Map<String, String> vars = new java.util.HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        return vars;
    }
}
