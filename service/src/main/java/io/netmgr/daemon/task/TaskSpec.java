package io.netmgr.daemon.task;

/** A service's desired tasks: how many replicas run which command. */
public record TaskSpec(String service, int replicas, TaskCommand command) {
    public TaskSpec {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas: " + replicas + " is negative; give 0 or more");
        }
    }
}
