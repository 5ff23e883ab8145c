package io.netmgr.daemon.task;

/**
 * One task as {@code service ps} shows it: its state ({@code running}, or {@code restarting}
 * while it waits out its back-off), its process, how often it was restarted and how its last run
 * ended, so a task that keeps failing shows why instead of looping silently. Times are ISO-8601
 * ({@code nextStart}: when a restarting task starts again).
 */
public record TaskStatus(String name, int slot, String state, Long pid, int restarts, String lastExit, String since,
                         String nextStart) {
}
