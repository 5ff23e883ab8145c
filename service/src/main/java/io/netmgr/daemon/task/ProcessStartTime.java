package io.netmgr.daemon.task;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's start time in clock ticks since boot ({@code /proc/PID/stat}, field 22): with the
 * pid it names one process for the machine's uptime, as pids are reused and start times are not.
 */
final class ProcessStartTime {
    private ProcessStartTime() {
    }

    static OptionalLong of(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII));
        } catch (IOException gone) {
            return OptionalLong.empty();
        }
    }

    /** Field 22 of a stat line; the name (field 2) may hold spaces and parentheses, so fields count from its last ')'. */
    static OptionalLong parse(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return OptionalLong.empty();
        }
        String[] after = stat.substring(close + 1).trim().split(" ");
        // after[0] is field 3 (state): field 22 is after[19]
        if (after.length < 20) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(after[19]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
