package io.netmgr.core.controller;

import io.netmgr.core.Ids;
import io.netmgr.core.NetmgrException;
import io.netmgr.core.sandbox.Sandbox;
import io.netmgr.netlink.NetlinkHandle;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.SystemCallException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sandbox lifecycle: the namespaces netmgr makes or adopts, and their records in the store. */
final class Sandboxes {
    private final StateStore state;
    private final Path runDir;

    Sandboxes(StateStore state, Path runDir) {
        this.state = state;
        this.runDir = runDir;
    }

    Sandbox create(String name) {
        requireFreeName(name);
        String id = Ids.newId();
        String nsName = "nm-" + Ids.shortId(id);
        NetNs ns = NetNs.create(nsName, runDir);
        try {
            try (NetlinkHandle h = NetlinkHandle.open(ns)) {
                h.links().setUp("lo");
            }
            Sandbox sandbox = new Sandbox(id, name, runDir.resolve(nsName).toString(), true, 1);
            save(sandbox);
            return sandbox;
        } catch (RuntimeException e) {
            NetNs.delete(nsName, runDir); // unmounts; the namespace dies when the handle closes below
            throw e;
        } finally {
            ns.close();
        }
    }

    Sandbox adopt(String name, Path path) {
        requireFreeName(name);
        try (NetNs ns = NetNs.openPath(path)) {
            // opened only to prove it is a network namespace we can enter
        } catch (SystemCallException e) {
            throw NetmgrException.invalid("cannot use " + path + " as a sandbox: " + e.getMessage()
                    + "; give the path of a network namespace, such as /run/netns/NAME or /proc/PID/ns/net");
        }
        Sandbox sandbox = new Sandbox(Ids.newId(), name, path.toString(), false, 1);
        save(sandbox);
        return sandbox;
    }

    Sandbox share(Sandbox s) {
        Sandbox shared = s.withUsers(s.users() + 1);
        state.txn().ifPresent(StateStore.keyOf(s)).put(StateStore.keyOf(shared), StateStore.encode(shared)).commit();
        return shared;
    }

    void release(Sandbox s) {
        Sandbox less = s.withUsers(s.users() - 1);
        state.txn().put(StateStore.keyOf(less), StateStore.encode(less)).commit();
    }

    void delete(Sandbox s) {
        state.txn().delete(StateStore.keyOf(s)).delete(StateStore.sandboxName(s.name())).commit();
        if (s.owned() && Files.exists(s.path())) {
            NetNs.delete(s.path().getFileName().toString(), s.path().getParent());
        }
    }

    /** A handle on the sandbox's namespace, or null when it is gone (DEL after the runtime removed it). */
    NetNs openIfAlive(Sandbox s) {
        try {
            return NetNs.openPath(s.path());
        } catch (SystemCallException e) {
            return null;
        }
    }

    private void requireFreeName(String name) {
        if (state.idByName(StateStore.sandboxName(name)).isPresent()) {
            throw NetmgrException.conflict("sandbox with name " + name + " already exists");
        }
    }

    private void save(Sandbox s) {
        boolean ok = state.txn().ifAbsent(StateStore.sandboxName(s.name()))
                .put(StateStore.sandboxName(s.name()), StateStore.text(s.id()))
                .put(StateStore.keyOf(s), StateStore.encode(s)).commit().succeeded();
        if (!ok) {
            throw NetmgrException.conflict("sandbox with name " + s.name() + " already exists");
        }
    }
}
