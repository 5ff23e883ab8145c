package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Docker's rule that a container joins a network once, held when clients race for it on the
 * real unix socket: many concurrent {@code POST /v1/endpoints} of one sandbox into one network
 * leave exactly one endpoint and one interface, and every other client gets a 409 saying why.
 */
class ConcurrentConnectTest {
    private static final int CLIENTS = 16;

    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void concurrentConnectsOfOneSandboxToOneNetworkLeaveOneEndpoint() throws Exception {
        NetNs host = netns.create("conc");
        try (RunningDaemon d = new RunningDaemon(host)) {
            assertThat(d.post("/v1/networks", "{\"name\":\"race\",\"subnets\":[{\"subnet\":\"10.93.0.0/24\"}]}").status()).isEqualTo(201);
            for (int round = 0; round < 3; round++) {
                String sandbox = "box" + round;
                assertThat(d.post("/v1/sandboxes", "{\"name\":\"" + sandbox + "\"}").status()).isEqualTo(201);
                List<RunningDaemon.Reply> replies = connectAtOnce(d, sandbox);

                List<RunningDaemon.Reply> created = replies.stream().filter(r -> r.status() == 201).toList();
                assertThat(created).as("answers: %s", replies.stream().map(r -> r.status() + " " + r.json().path("name").asText(
                        r.json().path("message").asText())).toList()).hasSize(1);
                String winner = created.get(0).json().path("name").asText();
                for (RunningDaemon.Reply r : replies) {
                    if (r.status() != 201) {
                        assertThat(r.status()).as(r.text()).isEqualTo(409);
                        assertThat(r.json().path("message").asText())
                                .isEqualTo("sandbox " + sandbox + " is already connected to network race by endpoint " + winner
                                        + ": a sandbox joins a network once; remove that endpoint first, or connect another sandbox");
                    }
                }
                JsonNode endpoints = d.get("/v1/endpoints?sandbox=" + sandbox).json();
                assertThat(endpoints).hasSize(1);
                // the kernel agrees: one interface besides lo in the sandbox, one port on the bridge per sandbox
                try (NetNs box = NetNs.openPath(Path.of(d.get("/v1/sandboxes/" + sandbox).json().path("namespacePath").asText()))) {
                    assertThat(IpOracle.ip(box, "link", "show").findValuesAsText("ifname")).hasSize(2).contains("lo");
                }
                assertThat(IpOracle.ip(host, "-d", "link", "show", "type", "veth").size()).isEqualTo(round + 1);
            }
        }
    }

    /** {@value #CLIENTS} clients, each asking at the same moment for an endpoint of its own name joined to {@code sandbox}. */
    private static List<RunningDaemon.Reply> connectAtOnce(RunningDaemon d, String sandbox) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<RunningDaemon.Reply>> answers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                String name = sandbox + "-e" + c;
                answers.add(pool.submit(() -> {
                    start.await();
                    return d.post("/v1/endpoints", "{\"network\":\"race\",\"name\":\"" + name + "\",\"sandbox\":\"" + sandbox + "\"}");
                }));
            }
            start.countDown();
            List<RunningDaemon.Reply> replies = new ArrayList<>();
            for (Future<RunningDaemon.Reply> f : answers) {
                replies.add(f.get());
            }
            return replies;
        } finally {
            pool.shutdown();
        }
    }
}
