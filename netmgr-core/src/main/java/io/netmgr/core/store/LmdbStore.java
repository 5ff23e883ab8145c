package io.netmgr.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;

/**
 * The embedded {@link Store}: one LMDB file in the state directory, shared safely by every
 * netmgr process on the host, and intact after any of them is killed.
 *
 * <p>Each commit is one durable LMDB write transaction; LMDB's writer lock (a robust mutex,
 * released when its owner dies) serializes writers of all processes, so compare-and-swap holds
 * across processes. Besides the keys, the file holds the store revision and the changes of the
 * latest revisions, which watches poll for, so they see commits of other processes too.
 */
public final class LmdbStore implements Store {

    /** The file in the state directory; LMDB keeps its lock table beside it in {@code store.mdb-lock}. */
    public static final String FILE_NAME = "store.mdb";

    // sparse on Linux: only pages in use take disk space
    private static final long MAP_SIZE = 1L << 30;
    private static final long POLL_MILLIS = 10;
    private static final int FORMAT = 1;
    private static final byte[] REVISION = LmdbCodec.key("revision");
    private static final byte[] FORMAT_KEY = LmdbCodec.key("format");
    // LMDB's locks are per process: a second Env on the same file in one process breaks them
    private static final Set<Path> OPEN_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

    private final Path file;
    private final Path lockFile;
    private final Env<byte[]> env;
    private final Databases main;
    private Databases readOnly; // opened when the files turn read-only under a running process; guarded by lifecycle
    private final int retainedRevisions;
    private final WatchHub hub;
    // shared by every use of the Env, exclusive to close it: LMDB must not close under a txn
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** The write transaction of the {@link #inOneCommit} running on this thread, if any. */
    private final ThreadLocal<org.lmdbjava.Txn<byte[]>> unit = new ThreadLocal<>();
    private boolean closed;

    /** The three databases of one Env: keys and their records, the change log, and the store's own metadata. */
    private record Databases(Env<byte[]> env, Dbi<byte[]> keys, Dbi<byte[]> changes, Dbi<byte[]> meta) {
    }

    private LmdbStore(Path file, Env<byte[]> env, Dbi<byte[]> keys, Dbi<byte[]> changes, Dbi<byte[]> meta,
            int retainedRevisions) {
        this.file = file;
        this.lockFile = Path.of(file + "-lock");
        this.env = env;
        this.main = new Databases(env, keys, changes, meta);
        this.retainedRevisions = retainedRevisions;
        this.hub = new WatchHub(new Log(), POLL_MILLIS, TimeUnit.MILLISECONDS, "netmgr-store-watch " + file);
    }

    /**
     * Opens (creating if needed) the store in {@code stateDir}, e.g. {@code /var/lib/netmgr}.
     *
     * @throws StoreException if the directory cannot be created or written, or the file is unusable
     */
    public static LmdbStore open(Path stateDir) {
        return open(stateDir, ChangeLog.DEFAULT_RETAINED_REVISIONS);
    }

    /** As {@link #open(Path)}, keeping the changes of the latest {@code retainedRevisions} revisions. */
    static LmdbStore open(Path stateDir, int retainedRevisions) {
        if (retainedRevisions < 1) {
            throw new IllegalArgumentException("retainedRevisions must be >= 1, got " + retainedRevisions);
        }
        Path file = stateDirectory(stateDir).resolve(FILE_NAME);
        if (!OPEN_IN_THIS_PROCESS.add(file)) {
            throw new StoreException("the store " + file + " is already open in this process; share that LmdbStore"
                    + " instance instead of opening it again");
        }
        Env<byte[]> env = null;
        try {
            env = Env.create(ByteArrayProxy.PROXY_BA)
                    .setMapSize(MAP_SIZE)
                    .setMaxDbs(3)
                    // NOTLS: a read txn belongs to its Java object, not to the OS thread that began it.
                    // NOMETASYNC: one fsync per commit instead of two. A killed process loses nothing
                    // (the kernel holds every committed page); a power loss may undo the last commit
                    // but never corrupts the file (LMDB keeps two meta pages).
                    .open(file.toFile(), EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOMETASYNC);
            // frees reader slots left by killed processes, which would otherwise pin old pages
            env.readerCheck();
            try (org.lmdbjava.Txn<byte[]> txn = env.txnWrite()) {
                Dbi<byte[]> keys = env.openDbi(txn, LmdbCodec.key("keys"), null, false, DbiFlags.MDB_CREATE);
                Dbi<byte[]> changes = env.openDbi(txn, LmdbCodec.key("changes"), null, false, DbiFlags.MDB_CREATE);
                Dbi<byte[]> meta = env.openDbi(txn, LmdbCodec.key("meta"), null, false, DbiFlags.MDB_CREATE);
                checkFormat(file, meta, txn);
                txn.commit();
                return new LmdbStore(file, env, keys, changes, meta, retainedRevisions);
            }
        } catch (LmdbException e) {
            closeAfterFailure(file, env);
            throw new StoreException("cannot open the store " + file + ": " + e.getMessage()
                    + "; check that the file is a netmgr store on a local file system, or move it away to start empty", e);
        } catch (RuntimeException e) {
            closeAfterFailure(file, env);
            throw e;
        }
    }

    private static void closeAfterFailure(Path file, Env<byte[]> env) {
        if (env != null) {
            env.close();
        }
        OPEN_IN_THIS_PROCESS.remove(file);
    }

    private static Path stateDirectory(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new StoreException("cannot create the state directory " + stateDir + " (" + e
                    + "); create it as a directory, or choose another state directory", e);
        }
        if (!Files.isWritable(stateDir)) {
            throw new StoreException("the state directory " + stateDir + " is not writable by this user;"
                    + " run as root (netmgr manages the host's network) or choose a writable state directory");
        }
        try {
            return stateDir.toRealPath();
        } catch (IOException e) {
            throw new StoreException("cannot resolve the state directory " + stateDir + " (" + e + ")", e);
        }
    }

    private static void checkFormat(Path file, Dbi<byte[]> meta, org.lmdbjava.Txn<byte[]> txn) {
        byte[] format = meta.get(txn, FORMAT_KEY);
        if (format == null) {
            meta.put(txn, FORMAT_KEY, LmdbCodec.revision(FORMAT));
        } else if (LmdbCodec.revision(format) != FORMAT) {
            throw new StoreException("the store " + file + " has format " + LmdbCodec.revision(format)
                    + " but this netmgr reads format " + FORMAT + "; use the netmgr version that wrote it");
        }
    }

    @Override
    public Optional<KeyValue> get(String key) {
        return read((txn, db) -> new Space(txn, db).get(key));
    }

    @Override
    public List<KeyValue> range(String prefix) {
        return read((txn, db) -> new Space(txn, db).range(prefix));
    }

    @Override
    public long revision() {
        return read((txn, db) -> new Space(txn, db).revision());
    }

    @Override
    public Txn txn() {
        return new TxnBuilder(this::commit);
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return watch(prefix, afterRevision, listener, compacted -> { }); // the hub logs the stop
    }

    @Override
    public Watch watch(String prefix, long afterRevision, Consumer<WatchEvent> listener,
            Consumer<CompactedRevisionException> onCompacted) {
        return using(() -> hub.add(prefix, afterRevision, listener, onCompacted));
    }

    @Override
    public void close() {
        // first the poller, which reads the Env
        hub.close();
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                if (readOnly != null) {
                    readOnly.env().close();
                }
                env.close();
                OPEN_IN_THIS_PROCESS.remove(file);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "LmdbStore[" + file + "]";
    }

    /** The LMDB environment, for tests that hold its writer lock from another process. */
    Env<byte[]> environment() {
        return env;
    }

    /**
     * Why the store cannot take changes now, if it cannot: its file or lock file turned read-only
     * under the running process (chattr +i, a read-only remount, a changed mode). LMDB keeps its
     * lock table (the writer's mutex, the readers' slots) in a shared writable mapping of the lock
     * file, and a write to such a mapping of a file that no longer takes writes kills the process
     * with SIGBUS instead of failing. So every transaction asks first (access(2), about a
     * microsecond): changes are refused with this reason, and reads go to a read-only Env that
     * touches no lock file. A file turning read-only between the question and the transaction
     * can still crash the process; that window is a few microseconds wide.
     */
    public Optional<String> unwritable() {
        for (Path p : List.of(file, lockFile)) {
            if (!Files.isWritable(p)) {
                return Optional.of("the store " + p + " is read-only (immutable, on a read-only file system, or not "
                        + "writable by this user): changes are refused and reads served until it is writable again; "
                        + "check 'lsattr " + p + "' and the mount of " + file.getParent());
            }
        }
        return Optional.empty();
    }

    /**
     * One LMDB write transaction for the whole of {@code work}: each of its transactions is a
     * child of it, and the one fsync comes at the end. A CNI ADD made four commits, and their
     * fsyncs were half of its time (bench/README.md).
     */
    @Override
    public <T> T inOneCommit(Supplier<T> work) {
        if (unit.get() != null) {
            return work.get();
        }
        Optional<String> readOnlyReason = unwritable(); // before LMDB's writer mutex, in the lock file
        if (readOnlyReason.isPresent()) {
            throw new StoreException.ReadOnly(readOnlyReason.get());
        }
        try {
            return using(() -> {
                try (org.lmdbjava.Txn<byte[]> txn = env.txnWrite()) {
                    long before = new Space(txn, main).revision();
                    unit.set(txn);
                    T result;
                    try {
                        result = work.get();
                    } catch (RuntimeException | Error e) {
                        unit.remove();
                        try {
                            commitIfChanged(txn, before); // what it committed before failing stays, as it would have
                        } catch (RuntimeException lost) {
                            e.addSuppressed(lost);
                        }
                        throw e;
                    }
                    unit.remove();
                    commitIfChanged(txn, before);
                    return result;
                }
            });
        } finally {
            hub.wake();
        }
    }

    private void commitIfChanged(org.lmdbjava.Txn<byte[]> txn, long before) {
        // nothing changed: closing aborts, which costs no sync
        if (new Space(txn, main).revision() != before) {
            txn.commit();
        }
    }

    private TxnResult commit(TxnBuilder.Request request) {
        if (!request.leases().isEmpty()) {
            throw new StoreException(LEASES_NEED_A_CLUSTER_STORE);
        }
        org.lmdbjava.Txn<byte[]> outer = unit.get();
        TxnResult result = using(() -> {
            Optional<String> readOnlyReason = unwritable();
            if (readOnlyReason.isPresent()) {
                throw new StoreException.ReadOnly(readOnlyReason.get());
            }
            try (org.lmdbjava.Txn<byte[]> txn = outer == null ? env.txnWrite() : env.txn(outer)) {
                Space space = new Space(txn, main);
                long before = space.revision();
                TxnResult outcome = Mvcc.commit(space, request);
                // nothing changed: closing aborts, which costs no sync (a child's commit costs none either)
                if (outcome.revision() != before) {
                    txn.commit();
                }
                return outcome;
            }
        });
        if (outer == null) {
            hub.wake();
        }
        return result;
    }

    private <R> R read(BiFunction<org.lmdbjava.Txn<byte[]>, Databases, R> work) {
        org.lmdbjava.Txn<byte[]> outer = unit.get();
        if (outer != null) {
            return using(() -> work.apply(outer, main)); // reads what this thread's unit has committed so far
        }
        return using(() -> {
            Databases db = unwritable().isEmpty() ? main : readOnlyDatabases();
            try (org.lmdbjava.Txn<byte[]> txn = db.env().txnRead()) {
                return work.apply(txn, db);
            }
        });
    }

    /**
     * A second Env on the file, mapped read-only and without the lock file (MDB_NOLOCK): safe
     * while nothing can write the file, which is when it is used. Opened once, on first need.
     */
    private synchronized Databases readOnlyDatabases() {
        if (readOnly == null) {
            Env<byte[]> ro = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(MAP_SIZE).setMaxDbs(3)
                    .open(file.toFile(), EnvFlags.MDB_NOSUBDIR, EnvFlags.MDB_NOTLS, EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK);
            try (org.lmdbjava.Txn<byte[]> txn = ro.txnRead()) {
                Databases opened = new Databases(ro, ro.openDbi(txn, LmdbCodec.key("keys"), null, false),
                        ro.openDbi(txn, LmdbCodec.key("changes"), null, false), ro.openDbi(txn, LmdbCodec.key("meta"), null, false));
                txn.commit(); // handles opened in a transaction that aborts are closed with it
                readOnly = opened;
            }
        }
        return readOnly;
    }

    private <R> R using(Supplier<R> work) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("store " + file + " is closed");
            }
            return work.get();
        } catch (Env.MapFullException e) {
            throw new StoreException("the store " + file + " is full (" + (MAP_SIZE >> 20) + " MiB); netmgr state"
                    + " should be far smaller, so look for keys that are never deleted", e);
        } catch (LmdbException e) {
            throw new StoreException("store " + file + ": " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** The store's state inside one LMDB transaction. */
    private final class Space implements Mvcc.KeySpace {
        private final org.lmdbjava.Txn<byte[]> txn;
        private final Dbi<byte[]> keys;
        private final Dbi<byte[]> changes;
        private final Dbi<byte[]> meta;

        Space(org.lmdbjava.Txn<byte[]> txn, Databases db) {
            this.txn = txn;
            this.keys = db.keys();
            this.changes = db.changes();
            this.meta = db.meta();
        }

        @Override
        public long revision() {
            byte[] revision = meta.get(txn, REVISION);
            return revision == null ? 0 : LmdbCodec.revision(revision);
        }

        @Override
        public Optional<KeyValue> get(String key) {
            byte[] k = LmdbCodec.key(key);
            // a key too long to write cannot be there, and LMDB would reject the lookup
            if (k.length > MAX_KEY_BYTES) {
                return Optional.empty();
            }
            return Optional.ofNullable(keys.get(txn, k)).map(record -> LmdbCodec.keyValue(k, record));
        }

        @Override
        public List<KeyValue> range(String prefix) {
            byte[] p = LmdbCodec.key(prefix);
            List<KeyValue> found = new ArrayList<>();
            if (p.length > MAX_KEY_BYTES) {
                return found;
            }
            try (Cursor<byte[]> cursor = keys.openCursor(txn)) {
                // LMDB takes no empty key, so the empty prefix starts at the first key
                boolean more = p.length == 0 ? cursor.first() : cursor.get(p, GetOp.MDB_SET_RANGE);
                while (more && startsWith(cursor.key(), p)) {
                    found.add(LmdbCodec.keyValue(cursor.key(), cursor.val()));
                    more = cursor.next();
                }
            }
            return found;
        }

        @Override
        public void put(KeyValue kv, long lease) { // leases were refused before the transaction began
            keys.put(txn, LmdbCodec.key(kv.key()), LmdbCodec.record(kv));
        }

        @Override
        public void delete(String key) {
            keys.delete(txn, LmdbCodec.key(key));
        }

        @Override
        public void append(long revision, List<WatchEvent> events) {
            changes.put(txn, LmdbCodec.revision(revision), LmdbCodec.events(events));
            meta.put(txn, REVISION, LmdbCodec.revision(revision));
            long forget = revision - retainedRevisions;
            try (Cursor<byte[]> cursor = changes.openCursor(txn)) {
                while (cursor.first() && LmdbCodec.revision(cursor.key()) <= forget) {
                    cursor.delete();
                }
            }
        }

        List<WatchEvent> eventsAfter(long afterRevision, int maxRevisions) {
            if (afterRevision >= revision()) {
                return List.of();
            }
            List<WatchEvent> events = new ArrayList<>();
            try (Cursor<byte[]> cursor = changes.openCursor(txn)) {
                long oldest = cursor.first() ? LmdbCodec.revision(cursor.key()) : revision() + 1;
                if (afterRevision + 1 < oldest) {
                    throw new CompactedRevisionException(afterRevision, oldest);
                }
                boolean more = cursor.get(LmdbCodec.revision(afterRevision + 1), GetOp.MDB_SET_RANGE);
                for (int n = 0; more && n < maxRevisions; n++) {
                    events.addAll(LmdbCodec.events(LmdbCodec.revision(cursor.key()), cursor.val()));
                    more = cursor.next();
                }
            }
            return events;
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private final class Log implements ChangeLog {
        @Override
        public long revision() {
            return LmdbStore.this.revision();
        }

        @Override
        public List<WatchEvent> eventsAfter(long afterRevision, int maxRevisions) {
            return read((txn, db) -> new Space(txn, db).eventsAfter(afterRevision, maxRevisions));
        }
    }
}
