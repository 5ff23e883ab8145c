package io.netmgr.cni;

/**
 * The {@code portMappings} capability. netmgr's controller does not publish ports yet (the
 * firewall is being wired to it), so a request with port mappings is refused with a clear
 * error rather than answered with a container whose ports silently go nowhere.
 */
final class PortPublishing {
    private PortPublishing() {
    }

    static void check(NetConf conf) {
        if (!conf.runtimeConfig().portMappings().isEmpty()) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "runtimeConfig.portMappings is not supported by this netmgr build yet",
                    "remove the portMappings capability from the configuration, or chain the reference portmap plugin");
        }
    }
}
