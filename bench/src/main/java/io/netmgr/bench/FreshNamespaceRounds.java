package io.netmgr.bench;

import io.netmgr.netlink.ns.NetNs;
import java.util.Arrays;

/** Times a step in a fresh namespace per round and keeps the median; round 0 warms up and is dropped. */
final class FreshNamespaceRounds {

    /** Something done in a namespace. */
    interface Step {
        void run(NetNs ns) throws Exception;
    }

    private FreshNamespaceRounds() {
    }

    /** Median wall time in ms of {@code step} over {@code rounds}, each in a fresh namespace after {@code prepare} (untimed). */
    static double medianMs(int rounds, Step prepare, Step step) throws Exception {
        double[] ms = new double[rounds + 1];
        for (int r = 0; r <= rounds; r++) {
            String name = "nmb-" + ProcessHandle.current().pid() + "-" + r;
            NetNs ns = NetNs.create(name);
            try {
                prepare.run(ns);
                long t0 = System.nanoTime();
                step.run(ns);
                ms[r] = (System.nanoTime() - t0) / 1e6;
            } finally {
                ns.close();
                NetNs.delete(name);
            }
        }
        double[] measured = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(measured);
        return measured[measured.length / 2];
    }
}
