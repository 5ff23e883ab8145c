package io.netmgr.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.SystemCallException;
import io.netmgr.netlink.testing.Eventually;
import io.netmgr.netlink.testing.IpOracle;
import io.netmgr.netlink.testing.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Named namespaces the way {@code ip netns} keeps them, entering them, and their sysctls. */
class NamespacesIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void createdNamespaceIsVisibleToIpNetnsAndOpensByNameAndPath() {
        NetNs ns = netns.create("named");
        String name = ns.path().getFileName().toString();
        assertThat(ns.path()).isEqualTo(Path.of("/run/netns", name));
        assertThat(IpOracle.ip(ns, "link", "show", "lo")).hasSize(1); // `ip -n NAME` can enter it
        try (NetNs byName = NetNs.open(name); NetNs byPath = NetNs.openPath(ns.path())) {
            assertThat(byName.sameAs(ns)).isTrue();
            assertThat(byPath.inode()).isEqualTo(ns.inode());
            assertThat(byName.sameAs(NetNs.process())).isFalse();
        }
    }

    @Test
    void openByPidFindsTheProcessNamespace() {
        try (NetNs self = NetNs.openPid(ProcessHandle.current().pid())) {
            assertThat(self.sameAs(NetNs.process())).isTrue();
        }
    }

    @Test
    void socketOpenedInsideStaysBoundToTheNamespace() throws Exception {
        NetNs ns = netns.create("bound");
        // the handle's socket is opened on the namespace's thread and then used from this one
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Bridge.named("only-here"));
        }
        try (NetlinkHandle process = NetlinkHandle.open()) {
            assertThat(process.links().exists("only-here")).isFalse();
        }
        assertThat(IpOracle.ip(ns, "link", "show", "only-here")).hasSize(1);
        // the calling thread itself never changed namespace
        assertThat(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString())
                .isEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
    }

    /** Threads of closed handles are kept for the next ones: each must be where its handle says, and a closed one nowhere. */
    @Test
    void aClosedHandlesThreadLeavesItsNamespaceAndServesTheNextOneInsideThatOne() throws Exception {
        NetNs a = netns.create("keep-a");
        NetNs b = netns.create("keep-b");
        for (int round = 0; round < 3; round++) {
            for (NetNs ns : java.util.List.of(a, b)) {
                try (NetNs handle = NetNs.openPath(ns.path())) {
                    assertThat(handle.call(NamespacesIT::threadNamespace)).isEqualTo("net:[" + ns.inode() + "]");
                }
            }
        }
        NetNs gone = netns.create("keep-gone");
        String inode = "net:[" + gone.inode() + "]";
        try (NetNs handle = NetNs.openPath(gone.path())) {
            assertThat(handle.call(NamespacesIT::threadNamespace)).isEqualTo(inode);
        }
        gone.close();
        // no thread of this process is left in it: it dies when ip netns del (here: the extension) unmounts it.
        // A closed handle's thread leaves on its own, just after close returns: wait for it, with a deadline
        Eventually.waitUntil("no thread left in " + inode, java.time.Duration.ofSeconds(10), () -> !threadNamespaces().contains(inode));
    }

    /** Work for the namespace a caller is in runs on the caller's thread; any other goes to the namespace's thread. */
    @Test
    void workForTheCallersOwnNamespaceRunsOnTheCallersThread() throws Exception {
        Thread me = Thread.currentThread();
        String home = "net:[" + NetNs.process().inode() + "]";
        assertThat(NetNs.process().call(Thread::currentThread)).isSameAs(me);
        try (NetNs again = NetNs.openPid(ProcessHandle.current().pid())) { // another handle on the same namespace
            assertThat(again.call(Thread::currentThread)).isSameAs(me);
        }
        NetNs other = netns.create("inline");
        assertThat(other.call(Thread::currentThread)).isNotSameAs(me);
        assertThat(other.call(NamespacesIT::threadNamespace)).isEqualTo("net:[" + other.inode() + "]");
        // from a namespace's own thread, the process's namespace is entered by its thread
        assertThat(other.call(() -> NetNs.process().call(NamespacesIT::threadNamespace))).isEqualTo(home);
        // a thread started inside another namespace stays there: never taken for one at home
        java.util.concurrent.atomic.AtomicReference<String> seen = new java.util.concurrent.atomic.AtomicReference<>();
        Thread born = other.call(() -> {
            Thread t = new Thread(() -> {
                try {
                    seen.set(threadNamespace() + " " + NetNs.process().call(NamespacesIT::threadNamespace));
                } catch (java.io.IOException e) {
                    seen.set(e.toString());
                }
            });
            t.start();
            return t;
        });
        born.join(30_000);
        assertThat(seen.get()).isEqualTo("net:[" + other.inode() + "] " + home);
    }

    private static java.util.List<String> threadNamespaces() throws java.io.IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.map(t -> {
                try {
                    return Files.readSymbolicLink(t.resolve("ns/net")).toString();
                } catch (java.io.IOException ended) {
                    return "";
                }
            }).toList();
        }
    }

    private static String threadNamespace() throws java.io.IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    @Test
    void sysctlsAreReadAndWrittenInTheNamespace() {
        NetNs ns = netns.create("sysctl");
        String hostValue = NetNs.process().readSysctl("net.ipv4.ip_forward");
        ns.writeSysctl("net.ipv4.ip_forward", "1");
        ns.writeSysctl("net.ipv6.conf.all.forwarding", "1");
        ns.writeSysctl("net.ipv4.conf.all.route_localnet", "1");
        assertThat(ns.readSysctl("net.ipv4.ip_forward")).isEqualTo("1");
        assertThat(ns.readSysctl("net.ipv6.conf.all.forwarding")).isEqualTo("1");
        assertThat(ns.readSysctl("net.ipv4.conf.all.route_localnet")).isEqualTo("1");
        assertThat(NetNs.process().readSysctl("net.ipv4.ip_forward")).isEqualTo(hostValue);
    }

    @Test
    void deleteRemovesTheNameAndOpeningItAgainFails() {
        NetNs ns = NetNs.create("nmt-gone-" + ProcessHandle.current().pid());
        String name = ns.path().getFileName().toString();
        ns.close();
        NetNs.delete(name);
        assertThat(Path.of("/run/netns", name)).doesNotExist();
        assertThatThrownBy(() -> NetNs.open(name)).isInstanceOf(SystemCallException.class)
                .hasMessageContaining(name).hasMessageContaining("ENOENT");
    }
}
