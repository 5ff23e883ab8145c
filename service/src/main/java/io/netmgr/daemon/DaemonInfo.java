package io.netmgr.daemon;

/** Facts about this daemon that {@code /v1/info} and Docker's {@code /version} report. */
public record DaemonInfo(String version, long pid, String socket, String stateDir, String hostNamespace, String startedAt) {

    /** The version baked into the jar's manifest by the build. */
    public static String buildVersion() {
        String v = DaemonInfo.class.getPackage().getImplementationVersion();
        return v == null ? "development" : v;
    }
}
