package io.netmgr.bench;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.PortRange;
import io.netmgr.core.firewall.Protocol;
import io.netmgr.nat.Firewalls;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.ns.NetNs;

/**
 * The firewall's side of the port-publishing figure: N ports published one at a time (each its
 * own container address and host port, as N containers with {@code -p} each), on one bridge
 * network, in a fresh namespace playing the host; then withdrawn one at a time. Prints the cost
 * of the 1st, 1,000th and Nth publish for each backend: each the median of the 21 publishes
 * around it, since one publish alone is within the noise of a 2-core machine.
 */
public final class PortPublishing {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        for (String backend : args.length > 1 ? args[1].split(",") : new String[] {"nftables", "iptables"}) {
            run(Firewalls.Backend.parse(backend), n);
        }
    }

    private static void run(Firewalls.Backend backend, int n) {
        String name = "nmb-ports-" + Long.toHexString(ProcessHandle.current().pid());
        NetNs host = NetNs.create(name);
        try (NetlinkHandle h = NetlinkHandle.open(host); Firewall firewall = Firewalls.open(backend, host)) {
            h.links().add(Bridge.named("nmb-br0"));
            h.addresses().add("nmb-br0", IpNet.parse("10.224.0.1/16"));
            h.links().setUp("nmb-br0");
            firewall.apply(FirewallState.EMPTY.withNetwork(NetworkRules.bridge("n1", "nmb-br0",
                    IpPrefix.parse("10.224.0.0/16", "subnet"))));
            long[] publish = new long[n];
            for (int i = 0; i < n; i++) {
                PortMapping m = PortMapping.of("n1", "c" + i, Protocol.TCP, PortRange.of(10000 + i),
                        IpAddress.parse("10.224." + (i / 250) + "." + (i % 250 + 2)), PortRange.of(80));
                long t0 = System.nanoTime();
                firewall.publish(m);
                publish[i] = System.nanoTime() - t0;
            }
            long[] withdraw = new long[n];
            for (int i = n - 1; i >= 0; i--) {
                long t0 = System.nanoTime();
                firewall.unpublish("c" + i);
                withdraw[n - 1 - i] = System.nanoTime() - t0;
            }
            firewall.removeAll();
            String b = backend.name().toLowerCase();
            int thousandth = Math.min(999, n - 1);
            System.out.printf("%-9s publish   1st %6.2f ms   1,000th %6.2f ms   %,dth %6.2f ms   (%,dth / 1st: %.2fx)%n", b,
                    ms(around(publish, 0)), ms(around(publish, thousandth)), n, ms(around(publish, n - 1)), n,
                    around(publish, n - 1) / (double) around(publish, 0));
            System.out.printf("%-9s withdraw  (with %,d published) %6.2f ms   (with 1) %6.2f ms%n", b, n,
                    ms(around(withdraw, 0)), ms(around(withdraw, n - 1)));
            System.out.printf("RESULT backend=%s n=%d first_ms=%.3f thousandth_ms=%.3f last_ms=%.3f%n", b, n,
                    ms(around(publish, 0)), ms(around(publish, thousandth)), ms(around(publish, n - 1)));
        } finally {
            NetNs.delete(name);
        }
    }

    private static long around(long[] times, int i) {
        return Windows.around(times, i);
    }

    private static double ms(long nanos) {
        return Windows.ms(nanos);
    }
}
