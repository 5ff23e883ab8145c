package io.netmgr.bench;

import io.netmgr.netlink.NetlinkBatch;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.link.Vxlan;
import io.netmgr.netlink.neigh.FdbEntry;
import io.netmgr.netlink.neigh.Neighbour;
import io.netmgr.netlink.rt.Fdb;
import io.netmgr.netlink.rt.Neighbours;

/**
 * Programming N overlay peers (a VXLAN FDB entry and a permanent neighbour each) on a VXLAN
 * device in a fresh namespace: one netlink request at a time, each waiting for its ACK (what the
 * overlay did before), against {@link NetlinkBatch} (many requests per send), side by side in
 * one run, median of the rounds (round 0 warms up and is dropped). Root needed.
 */
public final class PeerProgramming {

    public static void main(String[] args) throws Exception {
        int peers = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.printf("peer programming: %d peers (%d netlink requests) on a VXLAN device, median of %d rounds; load %s%n",
                peers, 2 * peers, rounds, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim());
        double one = median(rounds, peers, false);
        double batched = median(rounds, peers, true);
        System.out.printf("one request at a time: %8.0f ms  %8.0f requests/s%n", one, 2 * peers / one * 1000);
        System.out.printf("batched:               %8.0f ms  %8.0f requests/s  (%.1fx)%n", batched, 2 * peers / batched * 1000, one / batched);
    }

    private static double median(int rounds, int peers, boolean batch) throws Exception {
        return FreshNamespaceRounds.medianMs(rounds, ns -> {
            try (NetlinkHandle h = NetlinkHandle.open(ns)) {
                h.links().add(Vxlan.of("pvx0", 4242).withLearning(false));
            }
        }, ns -> {
            try (NetlinkHandle h = NetlinkHandle.open(ns)) {
                int vx = h.links().get("pvx0").index();
                if (batch) {
                    NetlinkBatch b = new NetlinkBatch();
                    for (int i = 0; i < peers; i++) {
                        Fdb.add(b, fdb(vx, i));
                        Neighbours.set(b, neighbour(vx, i));
                    }
                    h.execute(b).throwIfFailed();
                } else {
                    for (int i = 0; i < peers; i++) {
                        h.fdb().add(fdb(vx, i));
                        h.neighbours().set(neighbour(vx, i));
                    }
                }
            }
        });
    }

    private static MacAddress mac(int i) {
        return MacAddress.parse(String.format("02:00:00:%02x:%02x:%02x", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff));
    }

    private static FdbEntry fdb(int vx, int i) {
        return FdbEntry.vxlan(vx, mac(i), IpAddress.parse("10.200." + (i / 100 % 250) + "." + (1 + i % 200)).toInetAddress());
    }

    private static Neighbour neighbour(int vx, int i) {
        return Neighbour.permanent(vx, IpAddress.parse("10.%d.%d.%d".formatted(100 + (i >> 16), (i >> 8) & 0xff, i & 0xff)).toInetAddress(), mac(i));
    }
}
