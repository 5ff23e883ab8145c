package io.netmgr.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;

/**
 * The other process of {@link LmdbStoreProcessesTest}: opens the store in a state directory and
 * does one job, reporting on stdout:
 * <ul>
 *   <li>{@code increment DIR N}: prints READY, waits for GO on stdin, makes N compare-and-swap
 *       increments of key "counter", prints DONE and how many races it lost;
 *   <li>{@code write DIR}: puts key w/R at each next revision R forever, printing "R" after each commit;
 *   <li>{@code units DIR}: commits units N = 1, 2, 3... (after those already there) forever, each two transactions (u/N/a,
 *       then u/N/b) in one {@link LmdbStore#inOneCommit}, printing "N" after each;
 *   <li>{@code hold DIR}: opens a write transaction, writes in it, prints HOLDING and never ends it;
 *   <li>{@code script DIR put:K=V|del:K ...}: commits each step, printing its revision;
 *   <li>{@code frozen DIR}: puts k=1, prints READY; after FROZEN on stdin (its files made
 *       read-only) reads, tries a change, and prints what happened; after THAWED changes again.
 * </ul>
 */
final class LmdbStoreChild {

    private LmdbStoreChild() {
    }

    public static void main(String[] args) throws Exception {
        LmdbStore store = LmdbStore.open(Path.of(args[1]));
        switch (args[0]) {
            case "increment" -> increment(store, Integer.parseInt(args[2]));
            case "write" -> write(store);
            case "units" -> units(store);
            case "hold" -> hold(store);
            case "script" -> script(store, args);
            case "frozen" -> frozen(store);
            default -> throw new IllegalArgumentException("unknown job " + args[0]);
        }
        store.close();
    }

    private static void increment(LmdbStore store, int n) throws Exception {
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        if (!"GO".equals(in.readLine())) {
            throw new IllegalStateException("expected GO");
        }
        long racesLost = 0;
        for (int i = 0; i < n; i++) {
            racesLost += StoreCounter.increment(store, "counter");
        }
        System.out.println("DONE " + racesLost);
    }

    private static void frozen(LmdbStore store) throws Exception {
        store.txn().put("k", "1".getBytes(UTF_8)).commit();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, UTF_8));
        say("READY");
        expect(in, "FROZEN");
        for (int i = 0; i < 100; i++) {
            store.revision(); // as the watch poller and the rule guard do, many times a second
        }
        say("read " + new String(store.get("k").orElseThrow().value(), UTF_8));
        say("unwritable " + store.unwritable().isPresent());
        try {
            store.txn().put("k", "2".getBytes(UTF_8)).commit();
            say("written");
        } catch (StoreException.ReadOnly e) {
            say("refused " + e.getMessage());
        }
        expect(in, "THAWED");
        store.txn().put("k", "3".getBytes(UTF_8)).commit();
        say("written " + new String(store.get("k").orElseThrow().value(), UTF_8));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void expect(BufferedReader in, String line) throws java.io.IOException {
        if (!line.equals(in.readLine())) {
            throw new IllegalStateException("expected " + line);
        }
    }

    private static void write(LmdbStore store) {
        while (true) {
            long next = store.revision() + 1;
            TxnResult result = store.txn().put("w/" + next, String.valueOf(next).getBytes(UTF_8)).commit();
            if (result.revision() != next) {
                throw new IllegalStateException("another writer? " + result);
            }
            // printed only after commit() returned: every number printed is durable
            System.out.println(result.revision());
            System.out.flush();
        }
    }

    private static void units(LmdbStore store) {
        while (true) {
            long unit = store.revision() / 2 + 1; // a killed writer's successor goes on from there
            store.inOneCommit(() -> {
                store.txn().put("u/" + unit + "/a", new byte[] {1}).commit();
                return store.txn().put("u/" + unit + "/b", new byte[] {2}).commit();
            });
            // printed only after inOneCommit returned: every unit printed is durable
            System.out.println(unit);
            System.out.flush();
        }
    }

    private static void hold(LmdbStore store) throws InterruptedException {
        org.lmdbjava.Txn<byte[]> txn = store.environment().txnWrite();
        store.environment().openDbi(txn, LmdbCodec.key("keys"), null, false).put(txn, LmdbCodec.key("held"), new byte[24]);
        System.out.println("HOLDING");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void script(LmdbStore store, String[] args) {
        for (int i = 2; i < args.length; i++) {
            String step = args[i];
            Txn txn = store.txn();
            if (step.startsWith("put:")) {
                String[] kv = step.substring(4).split("=", 2);
                txn.put(kv[0], kv[1].getBytes(UTF_8));
            } else if (step.startsWith("del:")) {
                txn.delete(step.substring(4));
            } else {
                throw new IllegalArgumentException("unknown step " + step);
            }
            System.out.println(txn.commit().revision());
            System.out.flush();
        }
    }
}
