package io.netmgr.netlink.wire;

/** A message from the kernel that does not parse: a bug here or a truncated read. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }
}
