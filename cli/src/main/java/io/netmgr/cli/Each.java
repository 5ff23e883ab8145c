package io.netmgr.cli;

import io.netmgr.client.DaemonException;
import java.util.List;
import java.util.function.Consumer;

/** Docker's habit for {@code rm a b c}: try each, report each failure, exit 1 if any failed. */
final class Each {
    private Each() {
    }

    static int run(List<String> refs, Consumer<String> action) {
        int exit = 0;
        for (String ref : refs) {
            try {
                action.accept(ref);
            } catch (DaemonException e) {
                if (e.status() == 0) {
                    throw e; // no daemon: the same for every ref
                }
                System.err.println("netmgr: " + e.getMessage());
                exit = 1;
            }
        }
        return exit;
    }
}
