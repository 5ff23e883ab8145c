package io.netmgr.ipam;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.store.LmdbStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;

/**
 * The other process of {@link ConcurrentAllocationTest}: {@code STATE_DIR POOL_ID OWNER_PREFIX N}
 * opens the store, prints READY, waits for GO on stdin, requests N addresses of the pool and
 * prints each, then DONE.
 */
final class AllocatingProcess {

    private AllocatingProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (LmdbStore store = LmdbStore.open(Path.of(args[0]))) {
            DefaultIpam ipam = new DefaultIpam(store, List::of, DefaultPools.docker(DefaultIpamTest.ULA));
            System.out.println("READY");
            System.out.flush();
            if (!"GO".equals(new BufferedReader(new InputStreamReader(System.in, UTF_8)).readLine())) {
                throw new IllegalStateException("expected GO on stdin");
            }
            int n = Integer.parseInt(args[3]);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < n; i++) {
                out.append(ipam.requestAddress(args[1], AddressRequest.any(args[2] + i)).address()).append('\n');
            }
            System.out.print(out);
            System.out.println("DONE");
        }
    }
}
