package io.netmgr.ipam;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.ipam.AddressRequest;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.ipam.IpamException.Reason;
import io.netmgr.core.ipam.IpamException;
import io.netmgr.core.ipam.Pool;
import io.netmgr.core.ipam.PoolRequest;
import io.netmgr.core.store.LmdbStore;
import io.netmgr.core.store.CountingStore;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Many writers, one pool: threads of one process, and processes sharing one LMDB store. */
@Timeout(180)
class ConcurrentAllocationTest {

    private static final IpPrefix SLASH_16 = IpPrefix.parse("10.42.0.0/16");
    private static final int THREADS = 8;
    private static final int PER_THREAD = 125;

    @TempDir
    Path dir;

    @Test
    void eightThreadsOnMemoryStoreGetDistinctAddresses() throws Exception {
        try (MemoryStore store = new MemoryStore()) {
            requestFromThreads(store, "MemoryStore");
        }
    }

    @Test
    void eightThreadsOnLmdbStoreGetDistinctAddresses() throws Exception {
        try (LmdbStore store = LmdbStore.open(dir.resolve("state"))) {
            requestFromThreads(store, "LmdbStore");
        }
    }

    private static void requestFromThreads(Store store, String name) throws Exception {
        DefaultIpam ipam = ipam(store);
        Pool pool = ipam.requestPool(PoolRequest.of("busy", IpamConfig.of(SLASH_16)));
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        long began = System.nanoTime();
        try {
            List<Future<List<IpAddress>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                String owner = "t" + t + "-";
                results.add(threads.submit(() -> {
                    start.await();
                    List<IpAddress> mine = new ArrayList<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                        mine.add(ipam.requestAddress(pool.id(), AddressRequest.any(owner + i)).address());
                    }
                    return mine;
                }));
            }
            List<IpAddress> all = new ArrayList<>();
            for (Future<List<IpAddress>> result : results) {
                all.addAll(result.get(120, TimeUnit.SECONDS));
            }
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
            assertDistinctAndStored(store, pool, all, THREADS * PER_THREAD);
            System.out.printf("%s: %d threads got %d distinct addresses in %d ms (%d allocations/s)%n",
                    name, THREADS, all.size(), millis, all.size() * 1000L / millis);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void twoProcessesOnOneLmdbStoreGetDistinctAddresses() throws Exception {
        Path state = dir.resolve("state");
        int perProcess = 500;
        try (LmdbStore store = LmdbStore.open(state)) {
            Pool pool = ipam(store).requestPool(PoolRequest.of("busy", IpamConfig.of(SLASH_16)));
            List<Child> children = new ArrayList<>();
            try {
                for (String owner : List.of("a-", "b-")) {
                    children.add(Child.start(dir, state, pool.id(), owner, perProcess));
                }
                for (Child child : children) {
                    assertThat(child.stdout.readLine()).as(child.stderr()).isEqualTo("READY");
                }
                long began = System.nanoTime();
                // both start together, so that their requests interleave
                children.forEach(Child::go);
                List<IpAddress> all = new ArrayList<>();
                for (Child child : children) {
                    all.addAll(child.addresses());
                }
                long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
                assertDistinctAndStored(store, pool, all, 2 * perProcess);
                System.out.printf("LmdbStore: 2 processes got %d distinct addresses in %d ms (%d allocations/s)%n",
                        all.size(), millis, all.size() * 1000L / millis);
            } finally {
                children.forEach(child -> child.process.destroyForcibly());
            }
        }
    }

    @Test
    void concurrentDefaultPoolRequestsGetSubnetsThatDoNotOverlap() throws Exception {
        try (MemoryStore store = new MemoryStore()) {
            // two drivers on one store stand for two processes
            List<DefaultIpam> drivers = List.of(ipam(store), ipam(store));
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<IpPrefix>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    DefaultIpam ipam = drivers.get(t % 2);
                    String owner = "net" + t;
                    results.add(threads.submit(() -> {
                        start.await();
                        return ipam.requestPool(PoolRequest.defaultPool(owner, IpFamily.V4)).subnet();
                    }));
                }
                Set<IpPrefix> subnets = new HashSet<>();
                for (Future<IpPrefix> result : results) {
                    subnets.add(result.get(60, TimeUnit.SECONDS));
                }
                assertThat(subnets).hasSize(THREADS);
                assertThat(DefaultPools.docker(DefaultIpamTest.ULA).candidates(IpFamily.V4).limit(THREADS))
                        .as("the first free defaults, each once").containsExactlyInAnyOrderElementsOf(subnets);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void releasingAPoolWhileAddressesAreRequestedLeavesNoOrphans() throws Exception {
        try (MemoryStore store = new MemoryStore()) {
            DefaultIpam requester = ipam(store);
            DefaultIpam releaser = ipam(store);
            IpamConfig config = IpamConfig.of(IpPrefix.parse("10.7.0.0/24"));
            ExecutorService threads = Executors.newFixedThreadPool(2);
            int poolFirst = 0;
            try {
                for (int round = 0; round < 200; round++) {
                    Pool pool = requester.requestPool(PoolRequest.of("racy", config));
                    CyclicBarrier start = new CyclicBarrier(2);
                    String owner = "ep" + round;
                    Future<Boolean> granted = threads.submit(() -> {
                        start.await();
                        try {
                            requester.requestAddress(pool.id(), AddressRequest.any(owner));
                            return true;
                        } catch (IpamException e) {
                            assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_POOL);
                            return false;
                        }
                    });
                    Future<Boolean> released = threads.submit(() -> {
                        start.await();
                        try {
                            releaser.releasePool(pool.id());
                            return true;
                        } catch (IpamException e) {
                            assertThat(e.reason()).isEqualTo(Reason.POOL_IN_USE);
                            return false;
                        }
                    });
                    boolean addressGranted = granted.get(30, TimeUnit.SECONDS);
                    boolean poolReleased = released.get(30, TimeUnit.SECONDS);
                    // exactly one of them wins: either the pool went first, or the address was granted first
                    assertThat(addressGranted).as("round %d", round).isNotEqualTo(poolReleased);
                    if (poolReleased) {
                        poolFirst++;
                        assertThat(store.range(IpamKeys.addresses(pool.id()))).as("orphan addresses").isEmpty();
                        assertThat(store.get(IpamKeys.last(pool.id()))).isEmpty();
                    } else {
                        requester.releaseAddress(pool.id(), pool.subnet().nth(2), owner);
                        requester.releasePool(pool.id());
                    }
                }
                System.out.printf("releasePool against requestAddress, 200 rounds: pool released first %d times,"
                        + " address granted first %d times%n", poolFirst, 200 - poolFirst);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void aRequestInABusySlash16ReadsOneBlockNotThePool() {
        try (MemoryStore memory = new MemoryStore()) {
            CountingStore store = new CountingStore(memory);
            DefaultIpam ipam = ipam(store);
            Pool pool = ipam.requestPool(PoolRequest.of("busy", IpamConfig.of(SLASH_16)));
            int held = 5_000;
            for (int i = 0; i < held; i++) {
                ipam.requestAddress(pool.id(), AddressRequest.any("ep" + i));
            }
            store.reset();
            IpAddress next = ipam.requestAddress(pool.id(), AddressRequest.any("one-more")).address();
            assertThat(next).isEqualTo(SLASH_16.nth(held + 2));
            assertThat(store.counts().gets()).as("the pointer: the pool's record is known from the earlier requests").isEqualTo(1);
            assertThat(store.counts().ranges()).as("one block").isEqualTo(1);
            assertThat(store.keysRead()).as("at most a block of keys").isLessThanOrEqualTo(2 + 256);

            int more = 1_000;
            long began = System.nanoTime();
            for (int i = 0; i < more; i++) {
                ipam.requestAddress(pool.id(), AddressRequest.any("more" + i));
            }
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began);
            System.out.printf("MemoryStore: %d more requests in a /16 holding %d: %d µs each%n", more, held, micros / more);
        }
    }

    private static void assertDistinctAndStored(Store store, Pool pool, List<IpAddress> all, int expected) {
        Set<IpAddress> distinct = new HashSet<>(all);
        assertThat(all).hasSize(expected);
        assertThat(distinct).as("no address handed out twice").hasSize(expected);
        assertThat(distinct).allMatch(SLASH_16::contains).doesNotContain(pool.gateway(), SLASH_16.network());
        // the gateway's key and one per address
        assertThat(store.range(IpamKeys.addresses(pool.id()))).hasSize(expected + 1);
    }

    private static DefaultIpam ipam(Store store) {
        return new DefaultIpam(store, List::of, DefaultPools.docker(DefaultIpamTest.ULA));
    }

    /** A JVM running {@link AllocatingProcess}; its stderr goes to a file that failures quote. */
    private record Child(Process process, BufferedReader stdout, Path stderrFile) {

        static Child start(Path dir, Path state, String poolId, String owner, int n) throws IOException {
            Path stderr = Files.createTempFile(dir, "child-", ".stderr");
            Process process = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // small and quick to start: the machine is shared
                    "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"),
                    AllocatingProcess.class.getName(), state.toString(), poolId, owner, String.valueOf(n))
                    .redirectError(stderr.toFile())
                    .start();
            return new Child(process, process.inputReader(UTF_8), stderr);
        }

        void go() {
            try {
                Writer stdin = process.outputWriter(UTF_8);
                stdin.write("GO\n");
                stdin.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to child " + process.pid() + "; " + stderr(), e);
            }
        }

        List<IpAddress> addresses() throws Exception {
            List<IpAddress> addresses = new ArrayList<>();
            for (String line; (line = stdout.readLine()) != null && !line.equals("DONE"); ) {
                addresses.add(IpAddress.parse(line));
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(stderr()).isTrue();
            assertThat(process.exitValue()).as(stderr()).isZero();
            return addresses;
        }

        String stderr() {
            try {
                return "stderr of child " + process.pid() + ":\n" + Files.readString(stderrFile);
            } catch (IOException e) {
                return "stderr of child " + process.pid() + " unreadable: " + e;
            }
        }
    }
}
