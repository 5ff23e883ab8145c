package io.netmgr.cni;

import java.util.List;

/** The spec versions netmgr-cni speaks, and which result format each one uses. */
public final class CniVersion {
    public static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    public static final String LATEST = "1.1.0";

    private CniVersion() {
    }

    public static boolean isSupported(String version) {
        return SUPPORTED.contains(version);
    }

    /**
     * Whether results carry {@code "version": "4"|"6"} on each IP: the 0.3.x and 0.4.0 format;
     * 1.0.0 dropped the field.
     */
    public static boolean ipsCarryVersion(String version) {
        return version.startsWith("0.");
    }

    /** STATUS and GC came with 1.1.0. */
    public static boolean hasStatusAndGc(String version) {
        return version.equals("1.1.0");
    }

    /** CHECK came with 0.4.0. */
    public static boolean hasCheck(String version) {
        return !version.startsWith("0.3.");
    }
}
