package io.netmgr.cni.config;

import io.netmgr.cni.CniError;
import io.netmgr.cni.CniRequest;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The namespace netmgr treats as the host: the process's own, or the one named by
 * {@code NETMGR_HOST_NETNS} (a name under /run/netns or a path), so tests can run the real
 * binary without touching the machine's own links.
 */
public record HostNamespace(Optional<String> nameOrPath) {

    public static HostNamespace of(CniRequest request) {
        return new HostNamespace(request.get("NETMGR_HOST_NETNS"));
    }

    public NetNs open() {
        if (nameOrPath.isEmpty()) {
            return NetNs.process();
        }
        String v = nameOrPath.get();
        try {
            return v.contains("/") ? NetNs.openPath(Path.of(v)) : NetNs.open(v);
        } catch (RuntimeException e) {
            throw new CniError(CniError.INVALID_ENVIRONMENT, "NETMGR_HOST_NETNS " + v + " cannot be opened: " + e.getMessage());
        }
    }
}
