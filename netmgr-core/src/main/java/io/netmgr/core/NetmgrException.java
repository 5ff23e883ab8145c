package io.netmgr.core;

/**
 * A request netmgr refuses, with a message that names what was wrong and what to do. The
 * {@link Kind} lets front ends map it (HTTP 400/404/409/403, CLI exit codes, CNI error codes).
 */
public final class NetmgrException extends RuntimeException {
    /** Why a request was refused. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN }

    private final Kind kind;

    public NetmgrException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public NetmgrException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static NetmgrException invalid(String message) {
        return new NetmgrException(Kind.INVALID, message);
    }

    public static NetmgrException notFound(String message) {
        return new NetmgrException(Kind.NOT_FOUND, message);
    }

    public static NetmgrException conflict(String message) {
        return new NetmgrException(Kind.CONFLICT, message);
    }

    public static NetmgrException forbidden(String message) {
        return new NetmgrException(Kind.FORBIDDEN, message);
    }
}
