package io.netmgr.bench;

import static io.netmgr.bench.Windows.around;
import static io.netmgr.bench.Windows.ms;

import io.netmgr.core.firewall.Firewall;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.nat.Firewalls;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.addr.IpPrefix;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayList;
import java.util.List;

/**
 * The firewall's side of services at scale (nftables, or iptables when the second argument says
 * so): N services added one at a time, each a
 * VIP (a /32 on the bridge and its map element) and 10 backends, on one /16 bridge network in a
 * fresh namespace playing the host. Prints the cost of the 1st, 1,000th and Nth add (median of
 * the 21 around each), then, at N services, of adding and removing one backend of one service
 * (median of 21, each on another service around the N/2th; of all N when N is under 21), after a warm-up of 200 services added and removed. Beside it, in the same run, the reference: the same
 * backend change applied as a whole-state change ({@code Firewall.apply(current().withService(...))}),
 * what a proxy that syncs every service on each change pays.
 */
public final class ServiceScale {
    private static final int BACKENDS = 10;
    private static final int WARM_UP = 200;

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        if (n < 1) {
            throw new IllegalArgumentException("N (services) is " + n + ": give at least 1");
        }
        Firewalls.Backend backend = args.length > 1 && args[1].equals("iptables") ? Firewalls.Backend.IPTABLES : Firewalls.Backend.NFTABLES;
        System.out.println("backend: " + backend.name().toLowerCase(java.util.Locale.ROOT));
        String name = "nmb-svc-" + Long.toHexString(ProcessHandle.current().pid());
        NetNs host = NetNs.create(name);
        try (NetlinkHandle h = NetlinkHandle.open(host); Firewall firewall = Firewalls.open(backend, host)) {
            h.links().add(Bridge.named("nmb-br0"));
            h.addresses().add("nmb-br0", IpNet.parse("10.224.0.1/16"));
            h.links().setUp("nmb-br0");
            firewall.apply(FirewallState.EMPTY.withNetwork(NetworkRules.bridge("n1", "nmb-br0", IpPrefix.parse("10.224.0.0/16", "subnet"))));
            List<ServiceRules.Backend> backends = new ArrayList<>();
            for (int b = 0; b < BACKENDS + 1; b++) {
                backends.add(new ServiceRules.Backend("n1", "ep" + b, "sb" + b, IpAddress.parse("10.224.0." + (b + 2)), true));
            }
            // warm-up (JIT, class loading, nft's first cache): services added and removed before the clock starts
            for (int i = 0; i < WARM_UP; i++) {
                ServiceRules w = new ServiceRules(String.format("f%063x", i), "warm" + i,
                        List.of(new ServiceRules.Vip("n1", IpAddress.parse("10.224.250." + (i % 250 + 2)))), List.of(),
                        backends.subList(0, BACKENDS));
                firewall.applyService(w);
                firewall.removeService(w.serviceId());
            }
            List<ServiceRules> services = new ArrayList<>();
            long[] add = new long[n];
            for (int i = 0; i < n; i++) {
                ServiceRules s = new ServiceRules(String.format("%064x", i + 1), "s" + i,
                        List.of(new ServiceRules.Vip("n1", IpAddress.parse("10.224." + (1 + i / 250) + "." + (i % 250 + 2)))),
                        List.of(), backends.subList(0, BACKENDS));
                long t0 = System.nanoTime();
                firewall.applyService(s);
                add[i] = System.nanoTime() - t0;
                services.add(s);
            }
            // the services around the middle one; all of them when there are fewer than a window's worth
            int samples = Math.min(2 * Windows.WINDOW + 1, n);
            int firstSample = Math.max(0, Math.min(n - samples, n / 2 - samples / 2));
            long[] plus = new long[samples];
            long[] minus = new long[samples];
            for (int k = 0; k < samples; k++) {
                ServiceRules s = services.get(firstSample + k);
                long t0 = System.nanoTime();
                firewall.applyService(s.withBackends(backends));
                plus[k] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                firewall.applyService(s);
                minus[k] = System.nanoTime() - t0;
            }
            int wholeSamples = Math.min(3, n);
            long[] whole = new long[wholeSamples];
            for (int k = 0; k < wholeSamples; k++) {
                ServiceRules s = services.get(k);
                long t0 = System.nanoTime();
                firewall.apply(firewall.current().withService(s.withBackends(backends)));
                whole[k] = System.nanoTime() - t0;
                firewall.applyService(s);
            }
            int thousandth = Math.min(999, n - 1);
            System.out.printf("add a service (VIP + %d backends): 1st %6.2f ms   %s %6.2f ms   %s %6.2f ms   (%s / 1st: %.2fx, goal <= 1.5x)%n",
                    BACKENDS, ms(around(add, 0)), ordinal(thousandth + 1), ms(around(add, thousandth)), ordinal(n),
                    ms(around(add, n - 1)), ordinal(n),
                    around(add, n - 1) / (double) around(add, 0));
            System.out.printf("at %,d services: add one backend %6.2f ms   remove one backend %6.2f ms (median of %d; removal includes dropping its flows)%n",
                    n, ms(around(plus, samples / 2)), ms(around(minus, samples / 2)), samples);
            System.out.printf("reference, the same backend added as a whole-state change at %,d services: %8.2f ms (median of %d)%n",
                    n, ms(Windows.quantile(whole, 0.5)), wholeSamples);
            System.out.printf("RESULT backend=%s n=%d first_ms=%.3f thousandth_ms=%.3f last_ms=%.3f add_backend_ms=%.3f remove_backend_ms=%.3f whole_ms=%.3f%n",
                    backend, n, ms(around(add, 0)), ms(around(add, thousandth)), ms(around(add, n - 1)), ms(around(plus, samples / 2)),
                    ms(around(minus, samples / 2)), ms(Windows.quantile(whole, 0.5)));
            firewall.removeAll();
        } finally {
            NetNs.delete(name);
        }
    }

    /** 1st, 2nd, 3rd, 4th, 11th, 1,000th... */
    private static String ordinal(int i) {
        String suffix = i % 100 >= 11 && i % 100 <= 13 ? "th" : switch (i % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return String.format("%,d", i) + suffix;
    }
}
