package io.netmgr.daemon;

import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Checks what netmgr needs from the host it manages (the daemon's host namespace), each with a
 * way to fix it: libnftables for the firewall, IP forwarding, bridge netfilter for icc=false,
 * and default address pools left for new networks.
 */
public final class SystemDoctor {
    /** One check: what was looked at, whether it is fine, what was found, and how to fix it. */
    public record Check(String name, boolean ok, String found, String fix) {
    }

    private static final List<Path> LIBNFTABLES = List.of(Path.of("/usr/lib/x86_64-linux-gnu/libnftables.so.1"),
            Path.of("/usr/lib/aarch64-linux-gnu/libnftables.so.1"), Path.of("/usr/lib64/libnftables.so.1"),
            Path.of("/usr/lib/libnftables.so.1"), Path.of("/lib/x86_64-linux-gnu/libnftables.so.1"));

    private final NetNs host;
    private final LongSupplier freeDefaultPools;

    public SystemDoctor(NetNs host, LongSupplier freeDefaultPools) {
        this.host = host;
        this.freeDefaultPools = freeDefaultPools;
    }

    public List<Check> run() {
        return List.of(nftables(), ipForward(), bridgeNetfilter(), defaultPools());
    }

    private Check nftables() {
        Path lib = LIBNFTABLES.stream().filter(Files::exists).findFirst().orElse(null);
        return new Check("nftables", lib != null, lib != null ? "libnftables at " + lib : "libnftables.so.1 not found",
                "apt-get install libnftables1 (the firewall runs nftables in-process through it)");
    }

    private Check ipForward() {
        String v = sysctl("net/ipv4/ip_forward");
        return new Check("ip_forward", "1".equals(v), "net.ipv4.ip_forward = " + v,
                "sysctl -w net.ipv4.ip_forward=1 (and net.ipv4.ip_forward=1 in /etc/sysctl.d/ to keep it), "
                        + "or containers cannot reach beyond their bridge");
    }

    private Check bridgeNetfilter() {
        String v = sysctl("net/bridge/bridge-nf-call-iptables");
        boolean loaded = v != null;
        return new Check("bridge netfilter", loaded, loaded ? "br_netfilter loaded, bridge-nf-call-iptables = " + v
                : "br_netfilter not loaded", "modprobe br_netfilter (needed for icc=false: traffic between containers "
                + "of one bridge is filtered only through it)");
    }

    private Check defaultPools() {
        long free = freeDefaultPools.getAsLong();
        return new Check("default pools", free > 0, free + " default IPv4 pools free",
                "remove unused networks (netmgr network prune) or give new networks a --subnet");
    }

    private String sysctl(String key) {
        try {
            return host.readSysctl(key);
        } catch (RuntimeException e) {
            return null; // absent: the module is not loaded
        }
    }
}
