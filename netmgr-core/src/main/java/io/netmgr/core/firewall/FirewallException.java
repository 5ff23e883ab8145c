package io.netmgr.core.firewall;

import java.util.Objects;

/**
 * A firewall request that was refused or failed, with a {@link Reason} callers can map (to an
 * HTTP status, a CNI error code) and a message naming the field, the value and what to change.
 * A refused request changed nothing.
 */
public final class FirewallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused or failed. */
    public enum Reason {
        /** A value is malformed or out of range: a port, a protocol, a range, a name. */
        INVALID_ARGUMENT,
        /** A port mapping names a network the state does not have. */
        UNKNOWN_NETWORK,
        /** The host address to publish on is not an address of this host. */
        HOST_ADDRESS_NOT_LOCAL,
        /** The host port is already published by another owner. */
        PORT_ALREADY_PUBLISHED,
        /** The backend (libnftables, iptables-restore) refused or failed; the kernel is unchanged. */
        BACKEND_FAILED
    }

    private final Reason reason;

    public FirewallException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public FirewallException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    static FirewallException invalid(String message) {
        return new FirewallException(Reason.INVALID_ARGUMENT, message);
    }
}
