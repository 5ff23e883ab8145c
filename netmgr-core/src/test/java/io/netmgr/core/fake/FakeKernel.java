package io.netmgr.core.fake;

import io.netmgr.core.NetmgrException;
import io.netmgr.core.driver.HostContext;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.kernel.HostKernel;
import io.netmgr.core.kernel.SandboxNamespace;
import io.netmgr.core.kernel.SandboxNamespaces;
import io.netmgr.core.kernel.SandboxRoutes;
import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A kernel without namespaces or links, for the controller's unit tests: namespaces are paths
 * in a set, and a namespace handle is nothing (a driver used with it must ignore the kernel, as
 * {@link FakeDriver} does; its {@link HostContext} holds nothing either). Making, removing and
 * entering a namespace and configuring an interface are steps {@link Faults} can fail. It
 * counts the handles open, so a test sees one that was never closed.
 */
public final class FakeKernel implements HostKernel, SandboxNamespaces {
    private static final Path RUN_DIR = Path.of("/fake/netns");

    private final Faults faults;
    private final Set<Path> namespaces = new TreeSet<>();
    private final List<String> configured = new ArrayList<>();
    private final List<RoutedSubnet> routes = new ArrayList<>();
    private final List<String> links = new ArrayList<>(); // a link's index is its place here, from 1
    private int openHandles;
    private boolean closed;

    public FakeKernel(Faults faults) {
        this.faults = faults;
    }

    /** A namespace someone else made (a container runtime's), to adopt. */
    public synchronized Path runtimeNamespace(String name) {
        Path p = Path.of("/fake/runtime", name);
        namespaces.add(p);
        return p;
    }

    /** Removes a namespace behind netmgr's back, as a runtime does when its container goes. */
    public synchronized void vanish(Path path) {
        namespaces.remove(path);
    }

    public synchronized Set<Path> namespaces() {
        return Set.copyOf(namespaces);
    }

    /** "ifName of endpoint" for each interface configured, oldest first. */
    public synchronized List<String> configured() {
        return List.copyOf(configured);
    }

    public synchronized int openHandles() {
        return openHandles;
    }

    public synchronized boolean closed() {
        return closed;
    }

    /** Has the host route {@code destination} through {@code link} (its LAN, an underlay), as a real host does. */
    public synchronized FakeKernel route(String destination, String link) {
        if (!links.contains(link)) {
            links.add(link);
        }
        routes.add(new RoutedSubnet(io.netmgr.netlink.addr.IpPrefix.parse(destination), links.indexOf(link) + 1));
        return this;
    }

    // ---- host

    @Override
    public synchronized List<RoutedSubnet> routedSubnets() {
        return List.copyOf(routes);
    }

    @Override
    public synchronized String linkName(int index) {
        return index >= 1 && index <= links.size() ? links.get(index - 1) : "link " + index;
    }

    @Override
    public synchronized boolean hasLink(String name) {
        return links.contains(name);
    }

    @Override
    public HostContext context() {
        return new HostContext(null, null, null);
    }

    @Override
    public void reapRetiredLinks() {
    }

    @Override
    public boolean deleteLinkIfExists(String name) {
        faults.step("kernel delete link " + name);
        return false;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    // ---- sandbox namespaces

    @Override
    public synchronized Path make(String name) {
        faults.step("namespace make " + name);
        Path p = RUN_DIR.resolve(name);
        if (!namespaces.add(p)) {
            throw new IllegalStateException("namespace " + p + " made twice");
        }
        return p;
    }

    @Override
    public synchronized void remove(Path path) {
        faults.step("namespace remove " + path);
        namespaces.remove(path);
    }

    @Override
    public synchronized boolean exists(Path path) {
        return namespaces.contains(path);
    }

    @Override
    public synchronized SandboxNamespace open(Path path) {
        faults.step("namespace open " + path);
        if (!namespaces.contains(path)) {
            throw NetmgrException.invalid("cannot use " + path + " as a sandbox: no such network namespace");
        }
        openHandles++;
        return new Handle(path);
    }

    @Override
    public synchronized Optional<SandboxNamespace> openIfAlive(Path path) {
        return namespaces.contains(path) ? Optional.of(open(path)) : Optional.empty();
    }

    private final class Handle implements SandboxNamespace {
        private final Path path;
        private boolean open = true;

        Handle(Path path) {
            this.path = path;
        }

        @Override
        public NetNs handle() {
            return null;
        }

        @Override
        public String nextFreeInterfaceName() {
            return "eth0";
        }

        @Override
        public boolean hasInterface(String ifName) {
            return false; // the fake's sandboxes start empty and forget what was configured in them
        }

        @Override
        public void configure(String ifName, Endpoint endpoint, List<SandboxRoutes.Wanted> routes) {
            faults.step("sandbox configure " + ifName + " of " + endpoint.name());
            synchronized (FakeKernel.this) {
                configured.add(ifName + " of " + endpoint.name() + " in " + path);
            }
        }

        @Override
        public Optional<List<SandboxRoutes.Wanted>> restoreRoutes(String ifName, List<SandboxRoutes.Wanted> wanted) {
            return Optional.of(List.of()); // the fake keeps no routes, so none is ever missing
        }

        @Override
        public List<String> drift(Endpoint endpoint, List<SandboxRoutes.Wanted> wanted) {
            return List.of();
        }

        @Override
        public void close() {
            synchronized (FakeKernel.this) {
                if (open) {
                    open = false;
                    openHandles--;
                }
            }
        }
    }
}
