package io.netmgr.netlink.sys;

/** A failed system call: the operation, and the errno it failed with, by name. */
public class SystemCallException extends RuntimeException {
    private final int errno;

    /** "{operation}: EEXIST (file exists)". */
    public SystemCallException(String operation, int errno) {
        this(errno, operation + ": " + Errno.describe(errno));
    }

    protected SystemCallException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. {@code EEXIST}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
