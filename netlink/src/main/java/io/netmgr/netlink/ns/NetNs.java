package io.netmgr.netlink.ns;

import static io.netmgr.netlink.sys.Native.check;

import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.sys.LibC;
import io.netmgr.netlink.sys.Native;
import io.netmgr.netlink.sys.SystemCallException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A handle on one network namespace: an open file descriptor of it, plus a dedicated platform
 * thread that has entered it. setns(2) changes a single OS thread, so code that must run
 * inside the namespace ({@link #call}) runs on that thread and nowhere else; netlink sockets
 * opened there stay bound to the namespace whatever thread uses them later.
 */
public final class NetNs implements AutoCloseable {
    /** Where named namespaces live, as with {@code ip netns}. */
    public static final Path DEFAULT_RUN_DIR = Path.of("/run/netns");
    /** Where {@code ip netns exec NAME} finds namespace NAME's own files (its resolv.conf) to bind over /etc. */
    public static final Path ETC_DIR = Path.of("/etc/netns");

    private static final LibC LIBC = Native.libc();

    /**
     * Opened lazily, after NetNs itself is initialized: opening runs code on a namespace
     * thread that needs this class, so doing it in NetNs's own static init would deadlock.
     */
    private static final class ProcessNamespace {
        static final NetNs HANDLE = openProcessNamespace();
    }

    private final int fd;
    private final String description;
    private final Path path;
    private final Identity identity;
    private final ExecutorService thread;
    private final Thread worker;
    private volatile boolean closed;

    /** {@code worker} is {@code thread}'s thread, as the task that entered the namespace found it (no hop of its own). */
    private NetNs(int fd, String description, Path path, ExecutorService thread, Thread worker) {
        this.fd = fd;
        this.description = description;
        this.path = path;
        this.identity = identityOf(fd);
        this.thread = thread;
        this.worker = worker;
    }

    /** The namespace the process started in (that of its main thread). */
    public static NetNs process() {
        return ProcessNamespace.HANDLE;
    }

    /**
     * Creates a new namespace persisted at {@code runDir/name} (a bind mount, as
     * {@code ip netns add} makes it), so it outlives this process until {@link #delete}.
     */
    public static NetNs create(String name, Path runDir) {
        validateName(name);
        Path file = runDir.resolve(name);
        prepareRunDir(runDir);
        try {
            Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new SystemCallException("create network namespace " + name + " (" + file + " already exists)", Errno.EEXIST);
        } catch (IOException e) {
            throw new UncheckedIOException("create network namespace file " + file, e);
        }
        ExecutorService thread = newNamespaceThread("netns-" + name);
        try {
            // The worker thread unshares into the new namespace and stays there: it becomes
            // this namespace's thread.
            Entered entered = submit(thread, () -> {
                check(LIBC.unshare(Native.CLONE_NEWNET), "unshare network namespace for " + name);
                String self = "/proc/self/task/" + Native.gettid() + "/ns/net";
                check(LIBC.mount(self, file.toString(), "none", Native.MS_BIND, null),
                        "bind-mount network namespace to " + file);
                return new Entered(check(LIBC.open(file.toString(), Native.O_RDONLY | Native.O_CLOEXEC, 0), "open " + file),
                        Thread.currentThread());
            });
            return new NetNs(entered.fd(), "netns " + name, file, thread, entered.worker());
        } catch (RuntimeException e) {
            thread.shutdownNow();
            LIBC.umount2(file.toString(), Native.MNT_DETACH);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the primary failure is more useful to the caller
            }
            throw e;
        }
    }

    public static NetNs create(String name) {
        return create(name, DEFAULT_RUN_DIR);
    }

    /** Opens the named namespace {@code runDir/name}. */
    public static NetNs open(String name, Path runDir) {
        validateName(name);
        return openPath(runDir.resolve(name), "netns " + name);
    }

    public static NetNs open(String name) {
        return open(name, DEFAULT_RUN_DIR);
    }

    /** Opens a namespace by path: a bind mount such as /run/netns/x or /proc/PID/ns/net. */
    public static NetNs openPath(Path path) {
        return openPath(path, path.toString());
    }

    /** Opens the namespace of process {@code pid}. */
    public static NetNs openPid(long pid) {
        return openPath(Path.of("/proc/" + pid + "/ns/net"), "netns of pid " + pid);
    }

    /** Unmounts and removes {@code runDir/name}. The namespace dies with its last user. */
    public static void delete(String name, Path runDir) {
        validateName(name);
        Path file = runDir.resolve(name);
        if (!Files.exists(file)) {
            throw new SystemCallException("delete network namespace " + name + " (" + file + ")", Errno.ENOENT);
        }
        int r = LIBC.umount2(file.toString(), Native.MNT_DETACH);
        if (r < 0 && Native.lastErrno() != Errno.EINVAL) { // EINVAL: not mounted, just a stale file
            throw new SystemCallException("unmount network namespace " + file, Native.lastErrno());
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("remove " + file, e);
        }
    }

    public static void delete(String name) {
        delete(name, DEFAULT_RUN_DIR);
    }

    /**
     * Runs {@code work} in this namespace and returns its result: on this namespace's own thread,
     * or on the calling thread when that one is in this namespace already and never moves (the
     * process's namespace for every thread but the namespace threads), which saves two thread
     * hand-offs per call: netmgrd's host work (libnftables, the host port probe, sysctls) runs
     * in its own namespace.
     */
    public <T> T call(Callable<T> work) {
        if (closed) {
            throw new IllegalStateException(description + " handle is closed");
        }
        if (Thread.currentThread() == worker || identity.equals(FixedThreads.namespaceOfCurrent())) {
            try {
                return work.call(); // already inside: a nested call would wait on itself
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return submit(thread, work);
    }

    public void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    /** The open file descriptor (for moving links here with IFLA_NET_NS_FD). */
    public int fd() {
        if (closed) {
            // the number may already belong to another file: never hand it out
            throw new IllegalStateException(description + " handle is closed; open the namespace again");
        }
        return fd;
    }

    /** The path it was opened from, e.g. /run/netns/x. */
    public Path path() {
        return path;
    }

    /** The namespace's inode number on nsfs. */
    public long inode() {
        return identity.inode();
    }

    /** The namespace's device and inode, which name it whatever path it was opened by. */
    public Identity identity() {
        return identity;
    }

    /** A namespace as stat(2) names it: equal device and inode mean the same namespace. */
    public record Identity(long device, long inode) {
    }

    /**
     * The identity of the namespace at {@code path} (a bind mount, or /proc/PID/ns/net, which
     * stat follows), without entering it.
     */
    public static Identity identityOf(Path path) throws IOException {
        return new Identity(((Number) Files.getAttribute(path, "unix:dev")).longValue(),
                ((Number) Files.getAttribute(path, "unix:ino")).longValue());
    }

    /** True when {@code other} is a handle on the same kernel namespace. */
    public boolean sameAs(NetNs other) {
        return identity.equals(other.identity);
    }

    /** Reads a sysctl under /proc/sys inside this namespace, e.g. {@code net/ipv4/ip_forward}. */
    public String readSysctl(String key) {
        Path p = sysctlPath(key);
        return call(() -> Files.readString(p).trim());
    }

    /** Writes a sysctl under /proc/sys inside this namespace. */
    public void writeSysctl(String key, String value) {
        Path p = sysctlPath(key);
        call(() -> Files.writeString(p, value));
    }

    /**
     * Closes the handle. Its thread leaves the namespace right after, on its own, without the
     * caller waiting for it; it holds no reference to the namespace once it has.
     */
    @Override
    public void close() {
        if (closed || this == ProcessNamespace.HANDLE) {
            return;
        }
        closed = true;
        NamespaceThreads.giveBack(thread);
        LIBC.close(fd);
    }

    @Override
    public String toString() {
        return description;
    }

    private static Path sysctlPath(String key) {
        if (key.contains("..") || key.startsWith("/")) {
            throw new IllegalArgumentException("sysctl key must be relative like net/ipv4/ip_forward, got " + key);
        }
        return Path.of("/proc/sys").resolve(key.replace('.', '/'));
    }

    private static NetNs openPath(Path path, String description) {
        int fd = check(LIBC.open(path.toString(), Native.O_RDONLY | Native.O_CLOEXEC, 0), "open " + description + " at " + path);
        ExecutorService thread = newNamespaceThread("netns-" + path.getFileName());
        Thread worker;
        try {
            worker = submit(thread, () -> {
                check(LIBC.setns(fd, Native.CLONE_NEWNET), "enter " + description);
                return Thread.currentThread();
            });
        } catch (RuntimeException e) {
            thread.shutdownNow();
            LIBC.close(fd);
            throw e;
        }
        return new NetNs(fd, description, path, thread, worker);
    }

    /** What the task that made a namespace hands back: its descriptor, and the thread now inside it. */
    private record Entered(int fd, Thread worker) {
    }

    private static NetNs openProcessNamespace() {
        Path p = Path.of("/proc/" + ProcessHandle.current().pid() + "/ns/net");
        return openPath(p, "process netns");
    }

    private static void prepareRunDir(Path runDir) {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("create " + runDir, e);
        }
        // Bind mounts under runDir must propagate to other mount namespaces (as ip netns does):
        // make runDir a shared mount point, bind-mounting it onto itself the first time.
        if (LIBC.mount("", runDir.toString(), "none", Native.MS_SHARED | Native.MS_REC, null) < 0) {
            if (Native.lastErrno() != Errno.EINVAL) {
                throw new SystemCallException("make " + runDir + " a shared mount", Native.lastErrno());
            }
            check(LIBC.mount(runDir.toString(), runDir.toString(), "none", Native.MS_BIND | Native.MS_REC, null),
                    "bind-mount " + runDir + " onto itself");
            check(LIBC.mount("", runDir.toString(), "none", Native.MS_SHARED | Native.MS_REC, null),
                    "make " + runDir + " a shared mount");
        }
    }

    private static void validateName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")
                || name.length() > 255) {
            throw new IllegalArgumentException("network namespace name must be a plain file name, got '" + name + "'");
        }
    }

    private static Identity identityOf(int fd) {
        ByteBuffer stat = Native.direct(144);
        check(LIBC.fstat(fd, stat), "fstat namespace fd");
        return new Identity(stat.getLong(0), stat.getLong(8)); // struct stat: st_dev, then st_ino
    }

    private static ExecutorService newNamespaceThread(String name) {
        return NamespaceThreads.take(name);
    }

    /**
     * Platform threads of closed handles, back in the process's namespace and kept for the next
     * handle: a CNI ADD opens two or three namespaces, and starting a thread for each cost more
     * (clone, the JVM's thread setup, a first scheduling) than a setns(2) on a kept one. A thread
     * that cannot go back is ended instead, so a kept thread is never in another namespace.
     */
    private static final class NamespaceThreads {
        private static final int KEPT = 8;
        private static final Deque<ExecutorService> IDLE = new ArrayDeque<>();
        /** The namespace kept threads wait in: the process's (that of its main thread). */
        private static final int HOME = check(LIBC.open("/proc/self/ns/net", Native.O_RDONLY | Native.O_CLOEXEC, 0),
                "open the process's network namespace");

        static ExecutorService take(String name) {
            ExecutorService kept;
            synchronized (IDLE) {
                kept = IDLE.pollFirst();
            }
            if (kept == null) {
                return Executors.newSingleThreadExecutor(r -> new NamespaceThread(r, name));
            }
            kept.execute(() -> Thread.currentThread().setName(name));
            return kept;
        }

        /**
         * The thread goes back on its own, after any work still queued, and is lent again only
         * once it is home: the closer does not wait for it (one thread hand-off fewer per handle,
         * on the path of every CNI call).
         */
        static void giveBack(ExecutorService thread) {
            thread.execute(() -> {
                try {
                    check(LIBC.setns(HOME, Native.CLONE_NEWNET), "return to the process's network namespace");
                } catch (RuntimeException e) {
                    thread.shutdown(); // still in the namespace it served: never lend it out again
                    return;
                }
                Thread.currentThread().setName("netns-spare");
                synchronized (IDLE) {
                    if (IDLE.size() < KEPT) {
                        IDLE.addFirst(thread);
                        return;
                    }
                }
                thread.shutdown();
            });
        }
    }

    /**
     * The namespace of a thread that never changes it: every thread but the namespace threads,
     * since nothing else calls setns(2) (a thread starts in its creator's namespace and stays
     * there). Read once per thread from /proc/thread-self/ns/net, so a thread that a namespace
     * thread happened to start is known to be where it is, not assumed home.
     */
    private static final class FixedThreads {
        private static final ThreadLocal<Identity> NAMESPACE = ThreadLocal.withInitial(FixedThreads::read);

        /** The current thread's namespace, or null for a namespace thread (it moves) or when unreadable. */
        static Identity namespaceOfCurrent() {
            return Thread.currentThread() instanceof NamespaceThread ? null : NAMESPACE.get();
        }

        private static Identity read() {
            try {
                return identityOf(Path.of("/proc/thread-self/ns/net"));
            } catch (IOException | RuntimeException e) {
                return null; // then every call goes to the namespace's thread, as before
            }
        }
    }

    /** The platform thread that sits in a namespace; daemon, so it never holds the JVM up. */
    private static final class NamespaceThread extends Thread {
        NamespaceThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    private static <T> T submit(ExecutorService thread, Callable<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for namespace work", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }
}
