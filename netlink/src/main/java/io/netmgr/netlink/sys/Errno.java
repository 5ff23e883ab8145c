package io.netmgr.netlink.sys;

import java.util.Map;

/** Linux errno numbers by name, with the kernel's own wording, for error messages. */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
            EBADF = 9, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
            EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24,
            ENOSPC = 28, ERANGE = 34, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ENODATA = 61,
            ENOBUFS = 105, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99,
            ENETDOWN = 100, ENETUNREACH = 101, ETIMEDOUT = 110, EPROTONOSUPPORT = 93, EMSGSIZE = 90;

    private static final Map<Integer, String[]> NAMES = Map.ofEntries(
            Map.entry(EPERM, new String[] {"EPERM", "operation not permitted"}),
            Map.entry(ENOENT, new String[] {"ENOENT", "no such file or directory"}),
            Map.entry(ESRCH, new String[] {"ESRCH", "no such process"}),
            Map.entry(EINTR, new String[] {"EINTR", "interrupted system call"}),
            Map.entry(EIO, new String[] {"EIO", "input/output error"}),
            Map.entry(ENXIO, new String[] {"ENXIO", "no such device or address"}),
            Map.entry(E2BIG, new String[] {"E2BIG", "argument list too long"}),
            Map.entry(EBADF, new String[] {"EBADF", "bad file descriptor"}),
            Map.entry(EAGAIN, new String[] {"EAGAIN", "resource temporarily unavailable"}),
            Map.entry(ENOMEM, new String[] {"ENOMEM", "cannot allocate memory"}),
            Map.entry(EACCES, new String[] {"EACCES", "permission denied"}),
            Map.entry(EFAULT, new String[] {"EFAULT", "bad address"}),
            Map.entry(EBUSY, new String[] {"EBUSY", "device or resource busy"}),
            Map.entry(EEXIST, new String[] {"EEXIST", "file exists"}),
            Map.entry(EXDEV, new String[] {"EXDEV", "invalid cross-device link"}),
            Map.entry(ENODEV, new String[] {"ENODEV", "no such device"}),
            Map.entry(ENOTDIR, new String[] {"ENOTDIR", "not a directory"}),
            Map.entry(EISDIR, new String[] {"EISDIR", "is a directory"}),
            Map.entry(EINVAL, new String[] {"EINVAL", "invalid argument"}),
            Map.entry(ENFILE, new String[] {"ENFILE", "too many open files in system"}),
            Map.entry(EMFILE, new String[] {"EMFILE", "too many open files"}),
            Map.entry(ENOSPC, new String[] {"ENOSPC", "no space left on device"}),
            Map.entry(ERANGE, new String[] {"ERANGE", "numerical result out of range"}),
            Map.entry(ENAMETOOLONG, new String[] {"ENAMETOOLONG", "file name too long"}),
            Map.entry(ENOSYS, new String[] {"ENOSYS", "function not implemented"}),
            Map.entry(ENOTEMPTY, new String[] {"ENOTEMPTY", "directory not empty"}),
            Map.entry(ENODATA, new String[] {"ENODATA", "no data available"}),
            Map.entry(EMSGSIZE, new String[] {"EMSGSIZE", "message too long"}),
            Map.entry(EPROTONOSUPPORT, new String[] {"EPROTONOSUPPORT", "protocol not supported"}),
            Map.entry(EOPNOTSUPP, new String[] {"EOPNOTSUPP", "operation not supported"}),
            Map.entry(EAFNOSUPPORT, new String[] {"EAFNOSUPPORT", "address family not supported by protocol"}),
            Map.entry(EADDRINUSE, new String[] {"EADDRINUSE", "address already in use"}),
            Map.entry(EADDRNOTAVAIL, new String[] {"EADDRNOTAVAIL", "cannot assign requested address"}),
            Map.entry(ENETDOWN, new String[] {"ENETDOWN", "network is down"}),
            Map.entry(ENETUNREACH, new String[] {"ENETUNREACH", "network is unreachable"}),
            Map.entry(ENOBUFS, new String[] {"ENOBUFS", "no buffer space available"}),
            Map.entry(ETIMEDOUT, new String[] {"ETIMEDOUT", "connection timed out"}));

    private Errno() {
    }

    /** {@code EEXIST} for 17; {@code errno 250} for a number this table does not know. */
    public static String name(int errno) {
        String[] n = NAMES.get(errno);
        return n == null ? "errno " + errno : n[0];
    }

    /** {@code EEXIST (file exists)}. */
    public static String describe(int errno) {
        String[] n = NAMES.get(errno);
        return n == null ? "errno " + errno : n[0] + " (" + n[1] + ")";
    }
}
