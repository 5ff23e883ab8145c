package io.netmgr.daemon.task;

/**
 * One task as {@code service ps} shows it: its state ({@code running}, or {@code restarting}
 * while it waits out its back-off; in a cluster also {@code assigned} until its host reports it),
 * its process, how often it was restarted and how its last run ended, so a task that keeps failing
 * shows why instead of looping silently. Times are ISO-8601 ({@code nextStart}: when a restarting
 * task starts again). {@code host}: the advertise address of the host running it, in a cluster.
 */
public record TaskStatus(String name, int slot, String state, Long pid, int restarts, String lastExit, String since,
                         String nextStart, String host) {

    /** On one host, where no host is named. */
    public TaskStatus(String name, int slot, String state, Long pid, int restarts, String lastExit, String since, String nextStart) {
        this(name, slot, state, pid, restarts, lastExit, since, nextStart, null);
    }

    /** This status as seen from the cluster: run by {@code host}. */
    public TaskStatus onHost(String host) {
        return new TaskStatus(name, slot, state, pid, restarts, lastExit, since, nextStart, host);
    }
}
