package io.netmgr.bench;

import io.netmgr.client.UnixHttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code docker network create} and {@code docker network rm} as the docker CLI sends them,
 * through the Docker Engine API on a unix socket, one after another: the same requests against
 * netmgrd and against dockerd, so the two are compared on what each daemon does (a bridge, its
 * address, its rules, the store) and not on the CLI's start-up. Each network gets its own /24.
 * Usage: DockerNetworkChurn LABEL SOCKET N
 */
public final class DockerNetworkChurn {
    public static void main(String[] args) throws Exception {
        String label = args[0];
        UnixHttpClient http = new UnixHttpClient(Path.of(args[1]));
        int n = Integer.parseInt(args[2]);
        long[] create = new long[n];
        long[] remove = new long[n];
        for (int i = 0; i < n; i++) {
            String name = "nmb-" + i;
            String body = "{\"Name\":\"" + name + "\",\"Driver\":\"bridge\",\"CheckDuplicate\":true,"
                    + "\"IPAM\":{\"Driver\":\"default\",\"Config\":[{\"Subnet\":\"10.241." + i + ".0/24\"}]}}";
            long t0 = System.nanoTime();
            expect(http.send("POST", "/v1.41/networks/create", body.getBytes(StandardCharsets.UTF_8)), 201, name);
            long t1 = System.nanoTime();
            expect(http.send("DELETE", "/v1.41/networks/" + name, null), 204, name);
            long t2 = System.nanoTime();
            create[i] = t1 - t0;
            remove[i] = t2 - t1;
        }
        report(label, "network create", create);
        report(label, "network rm", remove);
    }

    private static void expect(UnixHttpClient.Response r, int status, String name) {
        if (r.status() != status) {
            throw new IllegalStateException(name + ": HTTP " + r.status() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    private static void report(String label, String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double total = Arrays.stream(nanos).sum() / 1e9;
        System.out.printf("%-8s %-15s %7.1f req/s   p50 %7.2f ms   p99 %7.2f ms%n", label, what, nanos.length / total,
                sorted[sorted.length / 2] / 1e6, sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] / 1e6);
        System.out.printf("RESULT daemon=%s op=%s per_s=%.2f p50_ms=%.3f%n", label, what.replace(' ', '_'),
                nanos.length / total, sorted[sorted.length / 2] / 1e6);
    }
}
