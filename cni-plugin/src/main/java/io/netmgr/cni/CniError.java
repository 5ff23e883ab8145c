package io.netmgr.cni;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure reported to the runtime as the spec's error object on stdout. Codes 1-99 are the
 * spec's; 100 and up are netmgr's own (see the constants).
 */
public final class CniError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int INCOMPATIBLE_VERSION = 1;
    public static final int UNSUPPORTED_FIELD = 2;
    public static final int UNKNOWN_CONTAINER = 3;
    public static final int INVALID_ENVIRONMENT = 4;
    public static final int IO_FAILURE = 5;
    public static final int DECODING_FAILURE = 6;
    public static final int INVALID_NETWORK_CONFIG = 7;
    public static final int TRY_AGAIN_LATER = 11;
    public static final int NOT_AVAILABLE = 50;
    /** A request the model refuses: an address or name already in use. */
    public static final int CONFLICT = 100;
    /** CHECK found the kernel different from what ADD made. */
    public static final int DRIFT = 101;
    /** Anything else that went wrong inside netmgr. */
    public static final int INTERNAL = 102;

    private final int code;
    private final String details;

    public CniError(int code, String msg, String details) {
        super(msg);
        this.code = code;
        this.details = details == null ? "" : details;
    }

    public CniError(int code, String msg) {
        this(code, msg, "");
    }

    public int code() {
        return code;
    }

    public String details() {
        return details;
    }

    /** The error object the spec puts on stdout. */
    public String toJson(String cniVersion) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cniVersion", cniVersion);
        m.put("code", (long) code);
        m.put("msg", getMessage() == null ? "" : getMessage().replace("\r", "\\r").replace("\n", "\\n")); // one line, always
        if (!details.isEmpty()) {
            m.put("details", details);
        }
        return Json.write(m);
    }
}
