package io.netmgr.core.store;

/** A store could not be opened or used; the message names the path or key and what to do. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The cluster store cannot be reached, or has no quorum: the call failed within its deadline
     * and changed nothing that the caller can count on. It works again once the store is back.
     */
    public static final class Unavailable extends StoreException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The store cannot take changes now (its files turned read-only); reads still work. */
    public static final class ReadOnly extends StoreException {
        private static final long serialVersionUID = 1L;

        public ReadOnly(String message) {
            super(message);
        }
    }
}
