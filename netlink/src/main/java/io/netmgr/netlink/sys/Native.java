package io.netmgr.netlink.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads {@link LibC} once and turns failed calls into {@link SystemCallException}s. */
public final class Native {
    /** Linux x86_64/aarch64 constants used by the netlink module. */
    public static final int AF_NETLINK = 16;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_ADD_MEMBERSHIP = 1;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;
    public static final int NETLINK_GET_STRICT_CHK = 12;
    public static final int MSG_TRUNC = 0x20;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;
    public static final short POLLIN = 1;
    private static final long SYS_GETTID = 186; // x86_64; aarch64 is 178

    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final long GETTID = System.getProperty("os.arch").contains("aarch64") ? 178 : SYS_GETTID;

    private Native() {
    }

    public static LibC libc() {
        return LIBC;
    }

    /** The errno left by the last failed {@link LibC} call on this thread. */
    public static int lastErrno() {
        return RUNTIME.getLastError();
    }

    /** Returns {@code result}, or throws naming {@code operation} and errno when it is negative. */
    public static int check(int result, String operation) {
        if (result < 0) {
            throw new SystemCallException(operation, lastErrno());
        }
        return result;
    }

    public static long check(long result, String operation) {
        if (result < 0) {
            throw new SystemCallException(operation, lastErrno());
        }
        return result;
    }

    /** The kernel thread id of the calling thread (what /proc/thread-self names). */
    public static int gettid() {
        return (int) LIBC.syscall(GETTID);
    }

    public static ByteBuffer direct(int size) {
        return ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
    }

    /** setsockopt with an int value. */
    public static void setIntOption(int fd, int level, int option, int value, String what) {
        ByteBuffer v = direct(4).putInt(0, value);
        check(LIBC.setsockopt(fd, level, option, v, 4), "setsockopt(" + what + ")");
    }
}
