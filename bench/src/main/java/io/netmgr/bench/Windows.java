package io.netmgr.bench;

import java.util.Arrays;

/** Medians over windows of timings: one operation alone is within the noise of a 2-core machine. */
final class Windows {
    static final int WINDOW = 10;

    private Windows() {
    }

    /** The median of the timings within {@value #WINDOW} of index {@code i}. */
    static long around(long[] times, int i) {
        int from = Math.max(0, i - WINDOW);
        int to = Math.min(times.length, i + WINDOW + 1);
        long[] w = Arrays.copyOfRange(times, from, to);
        Arrays.sort(w);
        return w[w.length / 2];
    }

    /** The {@code q} quantile (0..1) of {@code times}. */
    static long quantile(long[] times, double q) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
