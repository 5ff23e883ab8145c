package io.netmgr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.netlink.ns.NetNs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TCP throughput (iperf3) between two hosts of the overlay bench, over several paths side by side,
 * alternating round by round so that the machine's load falls on all of them alike:
 * <ol>
 *   <li>plain: host A to host B over the veth underlay, no tunnel;</li>
 *   <li>bare VXLAN: the kernel's minimal tunnel, a VXLAN device in each host made with {@code ip}
 *       (no bridge, no veth, nothing of netmgr), the address on the device;</li>
 *   <li>bridged VXLAN: the same device in a bridge that holds the address (no veth);</li>
 *   <li>kernel replica: netmgr's topology made by hand with {@code ip}: VXLAN device in a bridge,
 *       a veth into a namespace playing the container, static FDB and neighbour entries;</li>
 *   <li>the replica with its bridge bypassed by eBPF ({@code bench/bpf-redirect.py}, where python3
 *       and the kernel's BPF allow it): the container's frames redirected from its veth to the VXLAN
 *       device, and frames off the VXLAN device put straight into the container's namespace with
 *       {@code bpf_redirect_peer}, as Cilium does: the shortest container path this kernel offers
 *       (it has no netkit or ipvlan), to show what any data plane built of its devices can reach;</li>
 *   <li>containers over a plain wire: netmgr's topology with the VXLAN device replaced by a veth
 *       from each host's bridge to the underlay bridge (container, veth, bridge, veth, underlay
 *       bridge, veth, bridge, veth, container: the devices a VXLAN frame crosses, without the
 *       tunnel): the plain veth path between containers on two hosts, so that the ratio of the
 *       replica and of netmgr to it is what the encapsulation alone costs;</li>
 *   <li>netmgr: container A to container B on the overlay network netmgr made;</li>
 *   <li>where br_netfilter is loaded, netmgr's path again with the hosts' bridge-nf-call-iptables
 *       at 0, to show what bridged frames through the IP hooks cost.</li>
 * </ol>
 * Besides Gbit/s, the CPU time iperf3's two ends spent per Gbit (their rusage, which here holds
 * the softirq work done in their context: the whole forwarding path), a figure that load
 * disturbs less than throughput on a shared machine.
 */
final class OverlayThroughput {
    private static final int SECONDS = 4;
    private static final int ROUNDS = 3;
    /** VNIs and addresses of the hand-made paths, out of the bench's overlay networks' way. */
    private static final int BARE_VNI = 16000001, REPLICA_VNI = 16000002, BRIDGED_VNI = 16000003, REDIRECTED_VNI = 16000004;

    /**
     * One path: an iperf3 server in one namespace on an address, a client in another; with
     * {@code bridgeNetfilterOff}, measured with the hosts' net.bridge.bridge-nf-call-ip(6)tables at
     * 0 (bridged frames kept out of the IP hooks), put back after.
     */
    record Path(String label, String serverNs, String clientNs, String address, boolean bridgeNetfilterOff) {
        Path(String label, String serverNs, String clientNs, String address) {
            this(label, serverNs, clientNs, address, false);
        }

        Path withoutBridgeNetfilter() {
            return new Path(label.replaceFirst(":.*", "") + ", bridge-nf-call-iptables=0 on the hosts", serverNs, clientNs, address, true);
        }
    }

    /** One measurement: throughput and CPU time per Gbit of both ends. */
    record Sample(double gbps, double cpuMsPerGbit) {
    }

    private OverlayThroughput() {
    }

    /**
     * Builds the hand-made paths in hosts {@code hostA}/{@code hostB} (namespace names, underlay
     * addresses {@code ipA}/{@code ipB} on their eth0), measures them beside {@code netmgr}, prints
     * the figures. {@code made} collects the namespaces it creates, for the caller to delete.
     */
    static void measure(String underlay, String hostA, String ipA, String hostB, String ipB, Path netmgr, String tag, List<NetNs> made)
            throws Exception {
        String macA = "02:00:5e:10:00:01", macB = "02:00:5e:10:00:02";
        // bare: the kernel's minimal VXLAN path, address on the device itself
        bareVxlan(hostA, ipA, "10.254.0.1", macA, hostB, ipB, macB);
        bareVxlan(hostB, ipB, "10.254.0.2", macB, hostA, ipA, macA);
        // replica: bridge + VXLAN + veth into a container namespace, as netmgr's data plane, by hand
        String ca = "nmb-ka-" + tag, cb = "nmb-kb-" + tag;
        OverlayConvergence.create(ca, made);
        OverlayConvergence.create(cb, made);
        replica(hostA, ipA, ca, "10.254.1.1", macA, hostB, ipB, macB, REPLICA_VNI, "1");
        replica(hostB, ipB, cb, "10.254.1.2", macB, hostA, ipA, macA, REPLICA_VNI, "1");
        // between the two: the VXLAN device in a bridge holding the address, no veth
        bridged(hostA, ipA, "10.254.2.1", macA, ipB, macB);
        bridged(hostB, ipB, "10.254.2.2", macB, ipA, macA);
        // the same container topology with a plain veth wire between the bridges instead of VXLAN
        String wa = "nmb-wa-" + tag, wb = "nmb-wb-" + tag;
        OverlayConvergence.create(wa, made);
        OverlayConvergence.create(wb, made);
        wired(underlay, hostA, wa, "10.254.3.1", hostB, wb, "10.254.3.2");
        Path wire = new Path("containers over a plain wire: bridge+veth, no tunnel", wb, wa, "10.254.3.2");
        String ra = "nmb-ra-" + tag, rb = "nmb-rb-" + tag;
        OverlayConvergence.create(ra, made);
        OverlayConvergence.create(rb, made);
        replica(hostA, ipA, ra, "10.254.4.1", macA, hostB, ipB, macB, REDIRECTED_VNI, "4");
        replica(hostB, ipB, rb, "10.254.4.2", macB, hostA, ipA, macA, REDIRECTED_VNI, "4");
        boolean redirected = bypassBridge(hostA) && bypassBridge(hostB);
        List<Path> paths = new ArrayList<>(List.of(new Path("plain: host A -> host B over the veth underlay", hostB, hostA, ipB),
                new Path("bare kernel VXLAN: host A -> host B, device made with ip", hostB, hostA, "10.254.0.2"),
                new Path("bridged kernel VXLAN: address on the bridge, made with ip", hostB, hostA, "10.254.2.2"),
                wire, new Path("kernel replica: bridge+VXLAN+veth made with ip", cb, ca, "10.254.1.2"), netmgr));
        Path bypassed = new Path("replica, bridge bypassed by eBPF redirect (Cilium's way)", rb, ra, "10.254.4.2");
        if (redirected) {
            paths.add(bypassed);
        } else {
            System.out.println("the eBPF-redirected replica is left out: bench/bpf-redirect.py could not attach its programs");
        }
        boolean bridgeNetfilter = bridgeNetfilter(hostA) && bridgeNetfilter(hostB);
        if (bridgeNetfilter) { // br_netfilter loaded: bridged frames go through the IP hooks, unless switched off
            paths.add(netmgr.withoutBridgeNetfilter());
        }
        System.out.println("br_netfilter " + (bridgeNetfilter ? "loaded, bridge-nf-call-iptables=1 in the hosts" : "not in use in the hosts"));
        List<String> hosts = List.of(hostA, hostB);
        Map<Path, List<Sample>> samples = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (Path p : paths) {
                if (p.bridgeNetfilterOff()) {
                    hosts.forEach(h -> bridgeNetfilter(h, false));
                }
                try {
                    samples.computeIfAbsent(p, k -> new ArrayList<>()).add(iperf(p));
                } finally {
                    if (p.bridgeNetfilterOff()) {
                        hosts.forEach(h -> bridgeNetfilter(h, true));
                    }
                }
            }
        }
        Sample plain = median(samples.get(paths.get(0)));
        System.out.printf("TCP throughput, iperf3 %d s x %d rounds alternating, medians (ratio to plain; CPU ms of both ends per Gbit):%n",
                SECONDS, ROUNDS);
        for (Path p : paths) {
            Sample m = median(samples.get(p));
            System.out.printf("  %-62s %6.2f Gbit/s  ratio %.2f   cpu %5.1f ms/Gbit  %s%n", p.label(), m.gbps(), m.gbps() / plain.gbps(),
                    m.cpuMsPerGbit(), samples.get(p).stream().map(s -> String.format("%.2f", s.gbps())).toList());
        }
        Sample bare = median(samples.get(paths.get(1)));
        Sample wired = median(samples.get(wire));
        Sample replica = median(samples.get(paths.get(4)));
        Sample ours = median(samples.get(netmgr));
        System.out.printf("Containers on two hosts, same topology, VXLAN against the plain wire: kernel replica %.2f, netmgr %.2f"
                        + " (CPU per Gbit: %.2f, %.2f of the wire's)%n", replica.gbps() / wired.gbps(), ours.gbps() / wired.gbps(),
                wired.cpuMsPerGbit() / replica.cpuMsPerGbit(), wired.cpuMsPerGbit() / ours.cpuMsPerGbit());
        if (redirected) {
            Sample shortest = median(samples.get(bypassed));
            System.out.printf("The shortest container path of this kernel (eBPF-redirected replica): %.2f of plain, %.2f of the bare VXLAN device%n",
                    shortest.gbps() / plain.gbps(), shortest.gbps() / bare.gbps());
        }
        System.out.printf("RESULT plain_gbps=%.2f bare_vxlan_gbps=%.2f wire_gbps=%.2f replica_gbps=%.2f netmgr_gbps=%.2f ratio=%.2f"
                        + " kernel_ratio=%.2f ratio_to_wire=%.2f replica_ratio_to_wire=%.2f"
                        + " cpu_ms_per_gbit_plain=%.1f cpu_ms_per_gbit_bare=%.1f cpu_ms_per_gbit_wire=%.1f cpu_ms_per_gbit_netmgr=%.1f%n",
                plain.gbps(), bare.gbps(), wired.gbps(), replica.gbps(), ours.gbps(), ours.gbps() / plain.gbps(),
                bare.gbps() / plain.gbps(), ours.gbps() / wired.gbps(), replica.gbps() / wired.gbps(),
                plain.cpuMsPerGbit(), bare.cpuMsPerGbit(), wired.cpuMsPerGbit(), ours.cpuMsPerGbit());
    }

    private static void bareVxlan(String ns, String local, String address, String mac, String peerNs, String peerLocal, String peerMac) throws Exception {
        ip(ns, "link", "add", "nmbx0", "address", mac, "type", "vxlan", "id", "" + BARE_VNI, "local", local, "dstport", "4789",
                "dev", "eth0", "nolearning");
        ip(ns, "addr", "add", address + "/24", "dev", "nmbx0");
        ip(ns, "link", "set", "nmbx0", "up");
        ip(ns, "neigh", "replace", peerAddress(address), "lladdr", peerMac, "dev", "nmbx0", "nud", "permanent");
        run("bridge", "-n", ns, "fdb", "append", peerMac, "dev", "nmbx0", "dst", peerLocal, "self", "permanent");
    }

    private static void bridged(String ns, String local, String address, String mac, String peerLocal, String peerMac) throws Exception {
        ip(ns, "link", "add", "nmbb2", "mtu", "1450", "address", mac, "type", "bridge");
        ip(ns, "link", "add", "nmbx2", "type", "vxlan", "id", "" + BRIDGED_VNI, "local", local, "dstport", "4789", "dev", "eth0",
                "nolearning", "proxy");
        ip(ns, "link", "set", "nmbx2", "master", "nmbb2", "up");
        ip(ns, "link", "set", "nmbb2", "up");
        ip(ns, "addr", "add", address + "/24", "dev", "nmbb2");
        ip(ns, "neigh", "replace", peerAddress(address), "lladdr", peerMac, "dev", "nmbb2", "nud", "permanent");
        run("bridge", "-n", ns, "fdb", "append", peerMac, "dev", "nmbx2", "dst", peerLocal, "self", "permanent");
    }

    /**
     * Containers {@code ca} in host {@code a} and {@code cb} in host {@code b} on one subnet, each
     * behind a veth on its host's bridge, each bridge joined by a veth to the underlay's bridge
     * {@code ul0}: netmgr's overlay topology with a plain wire where the VXLAN device would be (MTU
     * 1500 as the underlay's: no encapsulation to make room for).
     */
    private static void wired(String underlay, String a, String ca, String addressA, String b, String cb, String addressB) throws Exception {
        for (String[] side : new String[][] {{a, ca, addressA, "nmbw3a"}, {b, cb, addressB, "nmbw3b"}}) {
            String host = side[0], container = side[1], wire = side[3];
            ip(host, "link", "add", "nmbb3", "type", "bridge");
            ip(host, "link", "add", "nmbw3", "master", "nmbb3", "type", "veth", "peer", "name", wire, "netns", underlay);
            ip(underlay, "link", "set", wire, "master", "ul0", "up");
            ip(host, "link", "add", "nmbv3", "master", "nmbb3", "type", "veth", "peer", "name", "eth3", "netns", container);
            for (String link : List.of("nmbw3", "nmbv3", "nmbb3")) {
                ip(host, "link", "set", link, "up");
            }
            ip(container, "link", "set", "eth3", "up");
            ip(container, "addr", "add", side[2] + "/24", "dev", "eth3");
        }
    }

    /** Whether bridged frames go through the IP hooks in namespace {@code ns} (br_netfilter loaded and on). */
    private static boolean bridgeNetfilter(String ns) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "cat", "/proc/sys/net/bridge/bridge-nf-call-iptables")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.waitFor() == 0 && out.equals("1");
    }

    private static void bridgeNetfilter(String ns, boolean on) {
        try {
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=" + (on ? 1 : 0),
                    "net.bridge.bridge-nf-call-ip6tables=" + (on ? 1 : 0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * netmgr's overlay topology by hand in host {@code ns}: bridge {@code nmbbN}, VXLAN device {@code nmbxN}
     * (VNI {@code vni}) in it, veth {@code nmbvN} to {@code container}'s {@code ethN}, the peer's MAC
     * and address as static FDB and neighbour entries.
     */
    private static void replica(String ns, String local, String container, String address, String mac, String peerNs, String peerLocal,
            String peerMac, int vni, String n) throws Exception {
        ip(ns, "link", "add", "nmbb" + n, "mtu", "1450", "type", "bridge");
        ip(ns, "link", "add", "nmbx" + n, "type", "vxlan", "id", "" + vni, "local", local, "dstport", "4789", "dev", "eth0",
                "nolearning", "proxy");
        ip(ns, "link", "set", "nmbx" + n, "master", "nmbb" + n, "up");
        ip(ns, "link", "set", "nmbb" + n, "up");
        ip(ns, "link", "add", "nmbv" + n, "mtu", "1450", "master", "nmbb" + n, "type", "veth", "peer", "name", "eth" + n, "netns", container);
        ip(ns, "link", "set", "nmbv" + n, "up");
        ip(container, "link", "set", "eth" + n, "address", mac, "up");
        ip(container, "addr", "add", address + "/24", "dev", "eth" + n);
        ip(container, "neigh", "replace", peerAddress(address), "lladdr", peerMac, "dev", "eth" + n, "nud", "permanent");
        run("bridge", "-n", ns, "fdb", "append", peerMac, "dev", "nmbx" + n, "dst", peerLocal, "self", "permanent");
    }

    /**
     * The second replica in host {@code ns} with its bridge bypassed: frames from the container's veth
     * go straight out of the VXLAN device, frames off the VXLAN device straight into the container.
     * False when that cannot be done here (no python3, or the kernel refuses the programs).
     */
    private static boolean bypassBridge(String ns) {
        try {
            run("ip", "netns", "exec", ns, "python3", "bench/bpf-redirect.py", "nmbv4", "nmbx4", "redirect");
            run("ip", "netns", "exec", ns, "python3", "bench/bpf-redirect.py", "nmbx4", "nmbv4", "redirect_peer");
            return true;
        } catch (Exception e) {
            System.out.println(e.getMessage());
            return false;
        }
    }

    /** The other end's address of a /24 pair .1/.2. */
    private static String peerAddress(String address) {
        return address.endsWith(".1") ? address.substring(0, address.length() - 1) + "2" : address.substring(0, address.length() - 1) + "1";
    }

    private static void ip(String ns, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = ns;
        System.arraycopy(args, 0, cmd, 3, args.length);
        run(cmd);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    private static Sample median(List<Sample> s) {
        double[] g = s.stream().mapToDouble(Sample::gbps).sorted().toArray();
        double[] c = s.stream().mapToDouble(Sample::cpuMsPerGbit).sorted().toArray();
        return new Sample(g[g.length / 2], c[c.length / 2]);
    }

    /** One iperf3 run on {@code p}: received Gbit/s and the CPU time of both ends per Gbit. */
    private static Sample iperf(Path p) throws Exception {
        Process s = new ProcessBuilder("ip", "netns", "exec", p.serverNs(), "iperf3", "-s", "-1", "-B", p.address(), "-p", "5201")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int attempt = 0; ; attempt++) {
                Process c = new ProcessBuilder("ip", "netns", "exec", p.clientNs(), "iperf3", "-c", p.address(), "-p", "5201", "-t", "" + SECONDS,
                        "-J", "--connect-timeout", "2000").redirectErrorStream(true).start();
                String out = new String(c.getInputStream().readAllBytes());
                if (c.waitFor() == 0) {
                    JsonNode end = new ObjectMapper().readTree(out).path("end");
                    JsonNode received = end.path("sum_received");
                    double gbit = received.path("bytes").asDouble() * 8 / 1e9;
                    if (gbit > 0) {
                        JsonNode cpu = end.path("cpu_utilization_percent");
                        double cpuSeconds = (cpu.path("host_total").asDouble() + cpu.path("remote_total").asDouble()) / 100
                                * received.path("seconds").asDouble();
                        return new Sample(received.path("bits_per_second").asDouble() / 1e9, cpuSeconds * 1000 / gbit);
                    }
                }
                if (attempt > 50) {
                    throw new IllegalStateException("iperf3 failed on " + p.label() + ": " + out);
                }
                Thread.sleep(100); // the server is not listening yet
            }
        } finally {
            s.destroy();
            s.waitFor();
        }
    }
}
