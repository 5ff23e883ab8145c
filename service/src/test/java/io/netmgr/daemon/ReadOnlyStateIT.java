package io.netmgr.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.store.LmdbStore;
import io.netmgr.netlink.testing.TestNamespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state directory's store turns immutable (chattr +i) while netmgrd runs: it keeps answering
 * reads, refuses changes with 503 and the reason, /health says what is wrong, and all is well again
 * once the files are writable. Before, the next store access killed the JVM with SIGBUS.
 */
class ReadOnlyStateIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void readsAreServedChangesRefusedAndHealthSaysWhy() throws Exception {
        try (RunningDaemon d = new RunningDaemon(netns.create("ro"))) {
            assertThat(d.post("/v1/networks", "{\"name\":\"a\",\"subnets\":[{\"subnet\":\"10.93.0.0/24\"}]}").status()).isEqualTo(201);
            Path state = d.dir.resolve("state").resolve("store");
            List<String> files = List.of(state.resolve(LmdbStore.FILE_NAME).toString(),
                    state.resolve(LmdbStore.FILE_NAME + "-lock").toString());
            chattr("+i", files);
            try {
                Thread.sleep(1500); // the store's watch poller and the controller read meanwhile
                assertThat(d.get("/v1/networks/a").status()).isEqualTo(200);
                var refused = d.post("/v1/networks", "{\"name\":\"second\",\"subnets\":[{\"subnet\":\"10.93.1.0/24\"}]}");
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.json().get("message").asText()).contains("is read-only").contains("changes are refused");
                var health = d.get("/health");
                assertThat(health.status()).isEqualTo(503);
                assertThat(health.json().get("status").asText()).isEqualTo("degraded");
                assertThat(health.json().get("message").asText()).contains(files.get(0)).contains("read-only");
                assertThat(d.get("/v1/networks/second").status()).as("nothing made").isEqualTo(404);
            } finally {
                chattr("-i", files);
            }
            assertThat(d.get("/health").status()).isEqualTo(200);
            assertThat(d.post("/v1/networks", "{\"name\":\"second\",\"subnets\":[{\"subnet\":\"10.93.1.0/24\"}]}").status()).isEqualTo(201);
        }
    }

    private static void chattr(String flag, List<String> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("chattr", flag));
        command.addAll(files);
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }
}
