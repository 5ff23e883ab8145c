package io.netmgr.daemon.task;

import java.util.OptionalInt;

/**
 * How a task's process ended: its exit status, or unknown when netmgrd adopted the process after
 * a restart (it is then not netmgrd's child, and only its parent learns the status).
 */
public record TaskExit(OptionalInt code, String failure) {
    public static TaskExit of(int code) {
        return new TaskExit(OptionalInt.of(code), null);
    }

    public static TaskExit unknown() {
        return new TaskExit(OptionalInt.empty(), null);
    }

    /** The process could not be started at all (the sandbox or the launch failed). */
    public static TaskExit failedToStart(String why) {
        return new TaskExit(OptionalInt.empty(), why);
    }

    /** As {@code service ps} shows it: {@code exit 3}; 128+N is how a shell reports signal N. */
    @Override
    public String toString() {
        if (failure != null) {
            return "failed to start: " + failure;
        }
        return code.isPresent() ? "exit " + code.getAsInt() : "exited (status unknown: started before netmgrd restarted)";
    }
}
