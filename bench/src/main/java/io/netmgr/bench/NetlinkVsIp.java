package io.netmgr.bench;

import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.Address;
import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figure: adding and deleting 1,000 addresses and 200 veth pairs through the
 * netlink module, against the {@code ip} command doing the same — one process per operation
 * (what a manager shelling out does) and one {@code ip -batch} (iproute2 at its best, close to
 * the kernel's own cost). Each variant runs in a fresh namespace; the median of several rounds
 * is printed. Run through bench/netlink-vs-ip.sh, as root.
 */
public final class NetlinkVsIp {
    private static final int ADDRESSES = 1000;
    private static final int VETHS = 200;

    private final int rounds;

    private NetlinkVsIp(int rounds) {
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        try (NetlinkHandle h = NetlinkHandle.open()) {
            h.links().get("lo");
        }
        long firstCall = System.currentTimeMillis() - jvmStart;
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf("JVM start to first netlink answer: %d ms (paid once per CLI process)%n", firstCall);
        System.out.printf("%d rounds each, median shown; %s, %s%n%n", rounds, System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        new NetlinkVsIp(rounds).run();
    }

    private void run() throws Exception {
        System.out.printf("%-28s %12s %12s %14s %10s %10s%n", "operation", "netmgr ms", "ip/op ms", "ip -batch ms",
                "x ip/op", "x batch");
        row("add 1000 addresses", this::netlinkAddAddresses, ns -> ipEach(ns, addressCommands("add")),
                ns -> ipBatch(ns, addressCommands("add")), NetlinkVsIp::prepareAddressLink);
        row("delete 1000 addresses", this::netlinkDeleteAddresses, ns -> ipEach(ns, addressCommands("del")),
                ns -> ipBatch(ns, addressCommands("del")), ns -> {
                    prepareAddressLink(ns);
                    netlinkAddAddresses(ns);
                });
        row("add 200 veth pairs", this::netlinkAddVeths, ns -> ipEach(ns, vethCommands("add")),
                ns -> ipBatch(ns, vethCommands("add")), ns -> { });
        row("delete 200 veth pairs", this::netlinkDeleteVeths, ns -> ipEach(ns, vethCommands("del")),
                ns -> ipBatch(ns, vethCommands("del")), this::netlinkAddVeths);
    }

    private interface Step extends FreshNamespaceRounds.Step {
    }

    private void row(String name, Step netlink, Step ipEach, Step ipBatch, Step prepare) throws Exception {
        double n = median(netlink, prepare);
        double e = median(ipEach, prepare);
        double b = median(ipBatch, prepare);
        System.out.printf("%-28s %12.1f %12.1f %14.1f %9.1fx %9.2fx%n", name, n, e, b, e / n, b / n);
    }

    private double median(Step step, Step prepare) throws Exception {
        return FreshNamespaceRounds.medianMs(rounds, prepare, step);
    }

    private static void prepareAddressLink(NetNs ns) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Bridge.named("br0"));
        }
    }

    private void netlinkAddAddresses(NetNs ns) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            int index = h.links().get("br0").index();
            for (int i = 0; i < ADDRESSES; i++) {
                h.addresses().add(Address.of(index, IpNet.parse(address(i))));
            }
        }
    }

    private void netlinkDeleteAddresses(NetNs ns) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            int index = h.links().get("br0").index();
            for (int i = 0; i < ADDRESSES; i++) {
                h.addresses().delete(Address.of(index, IpNet.parse(address(i))));
            }
        }
    }

    private void netlinkAddVeths(NetNs ns) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            for (int i = 0; i < VETHS; i++) {
                h.links().add(Veth.pair("va" + i, "vb" + i));
            }
        }
    }

    private void netlinkDeleteVeths(NetNs ns) {
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            for (int i = 0; i < VETHS; i++) {
                h.links().delete("va" + i);
            }
        }
    }

    private static String address(int i) {
        // /32: deleting the first of many addresses in one subnet would take the others with it
        return "10.99." + (i / 250) + "." + (i % 250 + 1) + "/32";
    }

    private static List<String> addressCommands(String verb) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < ADDRESSES; i++) {
            c.add("addr " + verb + " " + address(i) + " dev br0");
        }
        return c;
    }

    private static List<String> vethCommands(String verb) {
        List<String> c = new ArrayList<>();
        for (int i = 0; i < VETHS; i++) {
            c.add(verb.equals("add") ? "link add va" + i + " type veth peer name vb" + i : "link del va" + i);
        }
        return c;
    }

    /** One {@code ip -n NS ...} process per command, as a manager that shells out pays. */
    private static void ipEach(NetNs ns, List<String> commands) throws IOException, InterruptedException {
        for (String c : commands) {
            List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns.path().getFileName().toString()));
            cmd.addAll(List.of(c.split(" ")));
            exec(cmd);
        }
    }

    private static void ipBatch(NetNs ns, List<String> commands) throws IOException, InterruptedException {
        Path batch = Files.createTempFile("nmb", ".ip");
        try {
            Files.write(batch, commands);
            exec(List.of("ip", "-n", ns.path().getFileName().toString(), "-batch", batch.toString()));
        } finally {
            Files.delete(batch);
        }
    }

    private static void exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + new String(out));
        }
    }
}
