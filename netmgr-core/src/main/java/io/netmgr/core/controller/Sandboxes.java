package io.netmgr.core.controller;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.kernel.SandboxNamespace;
import io.netmgr.core.kernel.SandboxNamespaces;
import io.netmgr.core.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.Optional;

/** Sandbox lifecycle: the namespaces netmgr makes or adopts, and their records in the store. */
final class Sandboxes {
    private final StateStore state;
    private final SandboxNamespaces namespaces;

    Sandboxes(StateStore state, SandboxNamespaces namespaces) {
        this.state = state;
        this.namespaces = namespaces;
    }

    Sandbox create(String name) {
        requireFreeName(name);
        String id = Ids.newId();
        Path path = namespaces.make("nm-" + Ids.shortId(id));
        try {
            Sandbox sandbox = new Sandbox(id, name, path.toString(), true, 1);
            save(sandbox);
            return sandbox;
        } catch (RuntimeException e) {
            try {
                namespaces.remove(path);
            } catch (RuntimeException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    Sandbox adopt(String name, Path path) {
        requireFreeName(name);
        try (SandboxNamespace ns = namespaces.open(path)) {
            // opened only to prove it is a network namespace we can enter
        }
        return adoptPending(name, path);
    }

    /** A sandbox whose namespace its caller makes later: only the path is known now. */
    Sandbox adoptPending(String name, Path path) {
        requireFreeName(name);
        if (!path.isAbsolute()) {
            throw NetmgrException.invalid("sandbox " + name + ": namespace path " + path + " is not absolute");
        }
        Sandbox sandbox = new Sandbox(Ids.newId(), name, path.toString(), false, 1);
        save(sandbox);
        return sandbox;
    }

    Sandbox share(Sandbox s) {
        Sandbox shared = s.withUsers(s.users() + 1);
        countUsers(s, shared);
        return shared;
    }

    void release(Sandbox s) {
        countUsers(s, s.withUsers(s.users() - 1));
    }

    private void countUsers(Sandbox before, Sandbox after) {
        boolean ok = state.txn().ifPresent(StateStore.keyOf(before)).put(StateStore.keyOf(after), StateStore.encode(after))
                .commit().succeeded();
        if (!ok) {
            throw NetmgrException.conflict("sandbox " + before.name() + " was removed meanwhile");
        }
    }

    /** The sandbox's namespace entered, or nothing when it is gone (DEL after the runtime removed it). */
    Optional<SandboxNamespace> openIfAlive(Sandbox s) {
        return namespaces.openIfAlive(s.path());
    }

    /** The sandbox's namespace entered, to join an endpoint to it. */
    SandboxNamespace open(Sandbox s) {
        return namespaces.open(s.path());
    }

    private void requireFreeName(String name) {
        if (state.idByName(StateStore.sandboxName(name)).isPresent()) {
            throw NetmgrException.conflict("sandbox with name " + name + " already exists");
        }
    }

    private void save(Sandbox s) {
        boolean ok = StateStore.create(state.txn(), s).commit().succeeded();
        if (!ok) {
            throw NetmgrException.conflict("sandbox with name " + s.name() + " already exists");
        }
    }
}
