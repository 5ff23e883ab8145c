package io.netmgr.core.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One container's network stack: a network namespace. {@code owned} sandboxes were made by
 * netmgr and are deleted with it; adopted ones (a runtime's namespace, the host's) are not.
 * {@code users} counts the containers sharing it (container mode). {@code withdrawn}: the
 * endpoints netmgr took off it on its own ({@link Withdrawal}), the latest per network.
 */
public record Sandbox(String id, String name, String namespacePath, boolean owned, int users, List<Withdrawal> withdrawn) {

    public Sandbox {
        withdrawn = withdrawn == null ? List.of() : List.copyOf(withdrawn); // records stored before withdrawals had none
    }

    public Sandbox(String id, String name, String namespacePath, boolean owned, int users) {
        this(id, name, namespacePath, owned, users, List.of());
    }

    public Path path() {
        return Path.of(namespacePath);
    }

    public Sandbox withUsers(int n) {
        return new Sandbox(id, name, namespacePath, owned, n, withdrawn);
    }

    /** This sandbox noting {@code w}, in place of an earlier note about the same network. */
    public Sandbox withWithdrawal(Withdrawal w) {
        List<Withdrawal> notes = new ArrayList<>(withoutNoteOn(w.networkId()).withdrawn);
        notes.add(w);
        return new Sandbox(id, name, namespacePath, owned, users, notes);
    }

    /** This sandbox without its note about network {@code networkId}: connected to it again. */
    public Sandbox withoutNoteOn(String networkId) {
        return new Sandbox(id, name, namespacePath, owned, users,
                withdrawn.stream().filter(w -> !w.networkId().equals(networkId)).toList());
    }
}
