package io.netmgr.daemon.task;

import static io.netmgr.netlink.testing.Eventually.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.MemoryStore;
import io.netmgr.core.store.ScopedStore;
import io.netmgr.core.store.StoredJson;
import io.netmgr.daemon.task.LogExchange.Request;
import io.netmgr.daemon.task.TaskLogs.TaskLine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hosts handing each other their tasks' logs through one cluster store (in memory; leases
 * expired by a ticker the test moves): another host's lines arrive in order with its address,
 * following sees new lines, a silent host gets a line per task, a slow reader holds the writer to
 * its window, and nothing of an exchange stays in the store once it is over.
 */
class LogExchangeTest {
    private static final String LOGS = ScopedStore.GLOBAL + "logs/";
    private static final Duration TTL = Duration.ofSeconds(2);

    @TempDir Path state;
    private final AtomicLong nanos = new AtomicLong();
    private final MemoryStore cluster = new MemoryStore(nanos::get);
    private final List<AutoCloseable> open = new ArrayList<>();

    /** One host: its registration, its task files and its side of the exchange. */
    private final class Host {
        final HostRegistry registry;
        final TaskFiles files;
        final ClusterLogs logs;

        Host(String id, String address) {
            registry = HostRegistry.join(cluster, new MemoryStore(), id, id, address, "test", TTL);
            files = new TaskFiles(state.resolve(id));
            logs = new ClusterLogs(cluster, registry, new TaskLogs(files)).start();
            open.add(logs);
            open.add(registry);
        }

        void prints(int slot, String text) throws Exception {
            Files.writeString(files.prepareLog(new TaskSlot("web", slot)), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private void assign(int slot, Host host) {
        cluster.txn().put(TaskAssignments.SLOTS + "s1/" + slot, ("{\"host\":\"" + host.registry.hostId() + "\"}")
                .getBytes(StandardCharsets.UTF_8)).commit();
    }

    private static List<TaskLine> readAll(LogStream stream) {
        List<TaskLine> lines = new ArrayList<>(stream.poll());
        waitFor("every host answered", () -> {
            lines.addAll(stream.poll());
            return stream.complete();
        });
        return lines;
    }

    @Test
    void anotherHostsTasksArriveInOrderWithItsAddressAndNothingStaysInTheStore() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        assign(1, a);
        assign(2, b);
        assign(3, b);
        a.prints(1, "one\ntwo\nthree\n");
        b.prints(2, "x\ny\nz\n");
        b.prints(3, "only\n");

        LogStream stream = a.logs.open("s1", "web", Optional.empty(), 2, false);
        List<TaskLine> lines = readAll(stream);
        stream.close();

        assertThat(lines).containsExactly(new TaskLine("web.1", "two", "198.51.100.1"), new TaskLine("web.1", "three", "198.51.100.1"),
                new TaskLine("web.2", "y", "198.51.100.2"), new TaskLine("web.2", "z", "198.51.100.2"),
                new TaskLine("web.3", "only", "198.51.100.2"));
        waitFor("the request and its answers gone", () -> cluster.range(LOGS).isEmpty());

        assertThat(readAll(b.logs.open("s1", "web", Optional.of(1), -1, false))).as("asked on b, one task on a")
                .containsExactly(new TaskLine("web.1", "one", "198.51.100.1"), new TaskLine("web.1", "two", "198.51.100.1"),
                        new TaskLine("web.1", "three", "198.51.100.1"));
    }

    @Test
    void followingSeesNewLinesUntilTheReaderLeavesThenTheOtherHostStops() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        assign(1, b);
        b.prints(1, "old\n");
        LogStream stream = a.logs.open("s1", "web", Optional.empty(), 0, true);
        List<TaskLine> seen = new ArrayList<>(stream.poll());
        // b's first read takes the tail (none): a line written before it would be part of what is skipped
        waitFor("b answered", () -> !cluster.range(LogExchange.ANSWERS).isEmpty());
        b.prints(1, "new\n");
        waitFor("the new line", () -> {
            seen.addAll(stream.poll());
            return !seen.isEmpty();
        });
        assertThat(seen).containsExactly(new TaskLine("web.1", "new", "198.51.100.2"));
        assertThat(stream.complete()).as("following never completes").isFalse();

        stream.close();
        waitFor("b stops answering and nothing stays", () -> b.logs.answering() == 0 && cluster.range(LOGS).isEmpty());
    }

    @Test
    void followingTakesInATaskStartedLaterOnAnotherHostFromItsStart() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        assign(1, a);
        LogStream stream = a.logs.open("s1", "web", Optional.empty(), 0, true);
        List<TaskLine> seen = new ArrayList<>(stream.poll());
        assign(2, b); // a scale, or slot 2 moved off a dead host
        b.prints(2, "started\n");
        waitFor("the new task's line, within a rescan", () -> {
            seen.addAll(stream.poll());
            return !seen.isEmpty();
        });
        assertThat(seen).containsExactly(new TaskLine("web.2", "started", "198.51.100.2"));
        stream.close();
        waitFor("nothing stays", () -> b.logs.answering() == 0 && cluster.range(LOGS).isEmpty());
    }

    @Test
    void followingTakesInASlotMovedOntoTheAskingHost() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        assign(1, a);
        assign(2, b);
        LogStream stream = a.logs.open("s1", "web", Optional.empty(), 0, true);
        List<TaskLine> seen = new ArrayList<>(stream.poll());
        assign(2, a); // b died: its slot moved here
        a.prints(2, "moved\n");
        waitFor("the moved task's line, within a rescan", () -> {
            seen.addAll(stream.poll());
            return !seen.isEmpty();
        });
        assertThat(seen).containsExactly(new TaskLine("web.2", "moved", "198.51.100.1"));
        stream.close();
        waitFor("nothing stays", () -> b.logs.answering() == 0 && cluster.range(LOGS).isEmpty());
    }

    @Test
    void anAskerWhoseLeaseEndsLeavesNothingBehind() throws Exception {
        Host b = new Host("b", "198.51.100.2");
        b.prints(1, "line\n");
        Lease asker = cluster.grantLease(TTL, () -> { });
        RemoteTaskLogs stream = RemoteTaskLogs.ask(cluster, "b", "198.51.100.2", new Request("s1", "web", Set.of(1), -1, true), asker,
                Duration.ofSeconds(60), System::nanoTime);
        waitFor("b answers", () -> !cluster.range(LogExchange.ANSWERS).isEmpty());
        cluster.stopKeepAlive(asker.id()); // the asking host dies
        nanos.addAndGet(TTL.toNanos() + 1);
        cluster.expireLeases();
        waitFor("b stops answering and removes its answers", () -> b.logs.answering() == 0 && cluster.range(LOGS).isEmpty());
        stream.close();
    }

    @Test
    void aRequestStandingWhenAHostStartsIsEndedWithALineSayingSo() throws Exception {
        Lease lease = cluster.grantLease(TTL, () -> { });
        RemoteTaskLogs stream = RemoteTaskLogs.ask(cluster, "b", "198.51.100.2", new Request("s1", "web", Set.of(1), -1, true), lease,
                Duration.ofSeconds(60), System::nanoTime);
        new Host("b", "198.51.100.2"); // its netmgrd (re)starts with the request standing: what it sent before is unknown
        List<TaskLine> lines = readAll(stream);
        assertThat(lines).singleElement().satisfies(l -> {
            assertThat(l.task()).isEqualTo("web.1");
            assertThat(l.host()).isEqualTo("198.51.100.2");
            assertThat(l.line()).contains("restarted");
        });
        waitFor("nothing stays", () -> cluster.range(LOGS).isEmpty());
    }

    @Test
    void aHostThatDoesNotAnswerGetsALinePerTaskAndTheStreamEnds() {
        AtomicLong clock = new AtomicLong();
        Lease lease = cluster.grantLease(TTL, () -> { });
        RemoteTaskLogs silent = RemoteTaskLogs.ask(cluster, "mute", "198.51.100.9", new Request("s1", "web", Set.of(3, 2), -1, false),
                lease, Duration.ofSeconds(5), clock::get);
        assertThat(silent.poll()).isEmpty();
        assertThat(silent.complete()).isFalse();
        assertThat(cluster.get(silent.requestKey())).as("the request stands").isPresent();

        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(silent.poll()).containsExactly(new TaskLine("web.2", RemoteTaskLogs.NO_ANSWER, "198.51.100.9"),
                new TaskLine("web.3", RemoteTaskLogs.NO_ANSWER, "198.51.100.9"));
        assertThat(silent.complete()).isTrue();
        assertThat(cluster.range(LOGS)).as("the request withdrawn").isEmpty();
    }

    @Test
    void aHostDownGetsALinePerTaskAtOnce() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        HostRegistry gone = HostRegistry.join(cluster, new MemoryStore(), "c", "c", "198.51.100.3", "test", TTL);
        cluster.txn().put(TaskAssignments.SLOTS + "s1/1", "{\"host\":\"c\"}".getBytes(StandardCharsets.UTF_8)).commit();
        gone.close();
        cluster.stopKeepAlive(gone.lease().id());
        nanos.addAndGet(TTL.toNanos() + 1);
        cluster.expireLeases();

        LogStream stream = a.logs.open("s1", "web", Optional.empty(), -1, false);
        assertThat(stream.poll()).containsExactly(new TaskLine("web.1", ClusterLogs.HOST_DOWN, "198.51.100.3"));
        assertThat(stream.complete()).isTrue();
        assertThat(cluster.range(LOGS)).isEmpty();
    }

    @Test
    void aReaderThatDoesNotReadHoldsTheWriterToItsWindowThenGetsEveryLineInOrder() throws Exception {
        Host a = new Host("a", "198.51.100.1");
        Host b = new Host("b", "198.51.100.2");
        assign(1, b);
        int batches = LogExchange.WINDOW + 4;
        int total = batches * LogExchange.BATCH_LINES;
        StringBuilder text = new StringBuilder();
        IntStream.range(0, total).forEach(i -> text.append(i).append('\n'));
        String wide = "w".repeat(999);
        IntStream.range(0, TaskLogs.MAX_READ / 1000 + 1).forEach(i -> text.append(wide).append('\n')); // more than one read of the file
        total += TaskLogs.MAX_READ / 1000 + 1;
        b.prints(1, text.toString());

        LogStream stream = a.logs.open("s1", "web", Optional.empty(), -1, false);
        waitFor("b wrote its window", () -> cluster.range(LogExchange.ANSWERS).size() == LogExchange.WINDOW);
        assertThat(cluster.range(LogExchange.ANSWERS)).as("no more than the window, unread").hasSize(LogExchange.WINDOW);

        List<TaskLine> lines = readAll(stream);
        assertThat(lines).hasSize(total);
        assertThat(lines.subList(0, batches * LogExchange.BATCH_LINES)).extracting(TaskLine::line)
                .containsExactlyElementsOf(IntStream.range(0, batches * LogExchange.BATCH_LINES).mapToObj(String::valueOf).toList());
        assertThat(lines.get(total - 1).line()).isEqualTo(wide);
        stream.close();
        waitFor("nothing stays", () -> cluster.range(LOGS).isEmpty());
    }

    @Test
    void batchesAreBoundedInLinesAndBytesAndALongLineIsCut() {
        List<TaskLine> many = IntStream.range(0, 2500).mapToObj(i -> new TaskLine("web.1", "l" + i)).toList();
        assertThat(LogExchange.batches(many)).extracting(b -> b.lines().size()).containsExactly(1000, 1000, 500);

        String huge = "é".repeat(100_000);
        List<LogExchange.Batch> cut = LogExchange.batches(List.of(new TaskLine("web.1", huge), new TaskLine("web.1", "next")));
        assertThat(cut).hasSize(2);
        String kept = cut.get(0).lines().get(0).line();
        assertThat(kept).endsWith("...").startsWith("éé").hasSizeGreaterThan(30_000);
        cut.forEach(b -> assertThat(StoredJson.encode(b).length).isLessThanOrEqualTo(LogExchange.BATCH_BYTES));
    }
}
