package io.netmgr.client;

/** netmgrd refused a request (its {@code message}) or could not be reached (status 0). */
public final class DaemonException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public DaemonException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
