package io.netmgr.bench;

import io.netmgr.client.UnixHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * netmgrd's API under load, through its unix socket as the CLI talks to it: network list (the
 * HTTP layer and a store read), network create and remove, network inspect (netmgr's and
 * Docker's, of a network with 16 sandboxes joined), endpoint create+join then remove (each client
 * its own sandbox), with 1 and 16 concurrent clients (requests per second, p50 and p99 latency),
 * then the daemon's RSS idle and with 1,000 sandboxes each joined by one endpoint.
 * Usage: DaemonApi SOCKET DAEMON_PID [OPS_PER_CLIENT]
 */
public final class DaemonApi {
    private final UnixHttpClient http;

    private DaemonApi(Path socket) {
        this.http = new UnixHttpClient(socket);
    }

    public static void main(String[] args) throws Exception {
        DaemonApi bench = new DaemonApi(Path.of(args[0]));
        long pid = Long.parseLong(args[1]);
        int ops = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        System.out.printf("netmgrd pid %d, RSS idle %d MiB%n", pid, rssMiB(pid));
        for (int clients : new int[] {1, 16}) {
            bench.reads("network ls", "/v1/networks", clients, ops * 4);
        }
        for (int clients : new int[] {1, 16}) {
            bench.networks(clients, ops);
        }
        bench.call("POST", "/v1/networks", "{\"name\":\"bench\",\"subnets\":[{\"subnet\":\"10.240.0.0/16\"}]}", 201);
        List<String> joined = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            bench.call("POST", "/v1/sandboxes", "{\"name\":\"bs" + c + "\"}", 201);
            joined.add(id(bench.call("POST", "/v1/endpoints", "{\"network\":\"bench\",\"name\":\"bi" + c + "\",\"sandbox\":\"bs" + c
                    + "\"}", 201)));
        }
        // a network with 16 sandboxes joined: netmgr's inspect reads the network, docker's also its endpoints and sandboxes
        for (int clients : new int[] {1, 16}) {
            bench.reads("network inspect", "/v1/networks/bench", clients, ops * 4);
        }
        for (int clients : new int[] {1, 16}) {
            bench.reads("docker net inspect", "/v1.47/networks/bench", clients, ops * 4);
        }
        for (String id : joined) {
            bench.call("DELETE", "/v1/endpoints/" + id, null, 204);
        }
        for (int clients : new int[] {1, 16}) {
            bench.endpoints(clients, ops);
        }
        bench.thousandEndpoints(pid);
        for (int c = 0; c < 16; c++) {
            bench.call("DELETE", "/v1/sandboxes/bs" + c, null, 204);
        }
        bench.call("DELETE", "/v1/networks/bench", null, 204);
    }

    /** GETs of {@code path}: the HTTP layer and store reads, without kernel work. */
    private void reads(String name, String path, int clients, int opsPerClient) throws Exception {
        Phase read = new Phase(name, clients);
        run(clients, c -> {
            for (int i = 0; i < opsPerClient; i++) {
                read.time(() -> call("GET", path, null, 200));
            }
        });
        read.print();
    }

    private void networks(int clients, int opsPerClient) throws Exception {
        Phase create = new Phase("network create", clients);
        Phase remove = new Phase("network rm", clients);
        run(clients, c -> {
            for (int i = 0; i < opsPerClient; i++) {
                String name = "bn-" + c + "-" + i;
                String subnet = "10." + (100 + c) + "." + (i % 256) + ".0/24";
                create.time(() -> call("POST", "/v1/networks", "{\"name\":\"" + name + "\",\"subnets\":[{\"subnet\":\""
                        + subnet + "\"}]}", 201));
                remove.time(() -> call("DELETE", "/v1/networks/" + name, null, 204));
            }
        });
        create.print();
        remove.print();
    }

    /**
     * Each client connects its sandbox to the network and removes the endpoint again, like a
     * container started and stopped over and over: a sandbox joins a network once (Docker's
     * rule, which netmgrd holds), so a client cannot pile up endpoints in its sandbox.
     */
    private void endpoints(int clients, int opsPerClient) throws Exception {
        Phase join = new Phase("endpoint create+join", clients);
        Phase remove = new Phase("endpoint leave+rm", clients);
        run(clients, c -> {
            for (int i = 0; i < opsPerClient; i++) {
                String name = "be-" + clients + "-" + c + "-" + i;
                String[] id = new String[1];
                join.time(() -> id[0] = id(call("POST", "/v1/endpoints", "{\"network\":\"bench\",\"name\":\"" + name
                        + "\",\"sandbox\":\"bs" + c + "\"}", 201)));
                remove.time(() -> call("DELETE", "/v1/endpoints/" + id[0], null, 204));
            }
        });
        join.print();
        remove.print();
    }

    /**
     * 1,000 containers on one network: 1,000 sandboxes (made first, not timed), each joined by
     * one endpoint, 16 clients at once; the daemon's RSS holding them; then all removed.
     */
    private void thousandEndpoints(long pid) throws Exception {
        run(16, c -> {
            for (int i = c; i < 1000; i += 16) {
                call("POST", "/v1/sandboxes", "{\"name\":\"ks" + i + "\"}", 201);
            }
        });
        long t0 = System.nanoTime();
        run(16, c -> {
            for (int i = c; i < 1000; i += 16) {
                call("POST", "/v1/endpoints", "{\"network\":\"bench\",\"name\":\"k" + i + "\",\"sandbox\":\"ks" + i + "\"}", 201);
            }
        });
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("1,000 endpoints created+joined in %.1f s; netmgrd RSS %d MiB%n", s, rssMiB(pid));
        run(16, c -> {
            for (int i = c; i < 1000; i += 16) {
                call("DELETE", "/v1/sandboxes/ks" + i, null, 204); // removes its endpoint with it
            }
        });
    }

    private interface Client {
        void run(int client) throws Exception;
    }

    private static void run(int clients, Client work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    work.run(client);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private String call(String method, String path, String body, int expected) throws IOException {
        UnixHttpClient.Response r = http.send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        if (r.status() != expected) {
            throw new IllegalStateException(method + " " + path + ": " + r.status() + " " + r.text());
        }
        return r.text();
    }

    private static String id(String json) {
        int at = json.indexOf("\"id\":\"") + 6;
        return json.substring(at, json.indexOf('"', at));
    }

    private static long rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** Latencies of one kind of request across all clients, and the wall time they took. */
    private static final class Phase {
        private final String name;
        private final int clients;
        private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        private long first = Long.MAX_VALUE;
        private long last;

        Phase(String name, int clients) {
            this.name = name;
            this.clients = clients;
        }

        interface Request {
            void run() throws Exception;
        }

        void time(Request r) throws Exception {
            long t0 = System.nanoTime();
            r.run();
            long t1 = System.nanoTime();
            nanos.add(t1 - t0);
            synchronized (this) {
                first = Math.min(first, t0);
                last = Math.max(last, t1);
            }
        }

        void print() {
            List<Long> sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
            double busySeconds = sorted.stream().mapToLong(Long::longValue).sum() / 1e9;
            // requests per second as the clients saw them: all requests over the time each client was busy
            double rps = sorted.size() / (busySeconds / clients);
            System.out.printf("%-22s %2d clients  %6d req  %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n", name, clients, sorted.size(),
                    rps, pct(sorted, 0.50), pct(sorted, 0.99));
        }

        private static double pct(List<Long> sorted, double p) {
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
        }
    }
}
