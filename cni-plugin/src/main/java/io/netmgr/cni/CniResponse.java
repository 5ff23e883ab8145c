package io.netmgr.cni;

/** What the plugin process prints on stdout and the code it exits with. */
public record CniResponse(int exitCode, String stdout) {

    public static CniResponse ok(String stdout) {
        return new CniResponse(0, stdout);
    }

    public static CniResponse failed(CniError error, String cniVersion) {
        return new CniResponse(1, error.toJson(cniVersion));
    }
}
