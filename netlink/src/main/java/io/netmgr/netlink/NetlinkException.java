package io.netmgr.netlink;

import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.sys.SystemCallException;
import java.util.Optional;

/**
 * The kernel refused a netlink request. The message names the operation, the errno by
 * name and, when the kernel gave one, its own explanation (extended ack).
 */
public final class NetlinkException extends SystemCallException {
    private final String kernelMessage;

    public NetlinkException(String operation, int errno, String kernelMessage) {
        super(errno, operation + ": " + Errno.describe(errno)
                + (kernelMessage == null || kernelMessage.isEmpty() ? "" : ": " + kernelMessage));
        this.kernelMessage = kernelMessage;
    }

    /** What the kernel said in its extended ack, if anything. */
    public Optional<String> kernelMessage() {
        return Optional.ofNullable(kernelMessage).filter(s -> !s.isEmpty());
    }
}
