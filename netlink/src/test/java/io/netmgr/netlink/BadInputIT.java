package io.netmgr.netlink;

import static io.netmgr.netlink.testing.IpOracle.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netmgr.netlink.addr.IpNet;
import io.netmgr.netlink.link.Bridge;
import io.netmgr.netlink.link.Veth;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.testing.TestNamespaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each mistake gives an exception naming what was wrong, and nothing is left half-created. */
class BadInputIT {
    @RegisterExtension
    final TestNamespaces netns = new TestNamespaces();

    @Test
    void unknownLink() {
        NetNs ns = netns.create("bad");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            assertThatThrownBy(() -> h.links().setUp("nosuch0"))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("nosuch0").hasMessageContaining("ENODEV")
                    .satisfies(e -> assertThat(((NetlinkException) e).errno()).isEqualTo(Errno.ENODEV));
            assertThatThrownBy(() -> h.addresses().add("nosuch0", IpNet.parse("10.0.0.1/24")))
                    .hasMessageContaining("nosuch0");
        }
    }

    @Test
    void nameTooLongIsRefusedBeforeTheKernelIsAsked() {
        NetNs ns = netns.create("bad");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            assertThatThrownBy(() -> h.links().add(Bridge.named("a-name-of-16byte")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a-name-of-16byte").hasMessageContaining("16 bytes").hasMessageContaining("15");
            assertThatThrownBy(() -> h.links().add(Veth.pair("ok0", "peer-name-too-long")))
                    .hasMessageContaining("peer-name-too-long");
            assertThat(h.links().exists("ok0")).isFalse();
        }
    }

    @Test
    void duplicateNameFailsWithEexistAndCreatesNothing() {
        NetNs ns = netns.create("bad");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Bridge.named("dup0"));
            assertThatThrownBy(() -> h.links().add(Bridge.named("dup0")))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("dup0").hasMessageContaining("EEXIST");
            // a veth whose peer name is taken: the kernel creates neither end
            assertThatThrownBy(() -> h.links().add(Veth.pair("fresh0", "dup0")))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("EEXIST");
            assertThat(ip(ns, "link", "show")).extracting(l -> l.get("ifname").asText()).containsExactlyInAnyOrder("lo", "dup0");
        }
    }

    @Test
    void badAddresses() {
        assertThatThrownBy(() -> IpNet.parse("10.0.0.300/24")).hasMessageContaining("10.0.0.300");
        assertThatThrownBy(() -> IpNet.parse("10.0.0.1/33")).hasMessageContaining("33").hasMessageContaining("0..32");
        assertThatThrownBy(() -> IpNet.parse("example.com/24")).hasMessageContaining("example.com");
        assertThatThrownBy(() -> IpNet.parse("10.0.0.1/x")).hasMessageContaining("'x'");
        NetNs ns = netns.create("bad");
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Bridge.named("b0"));
            h.addresses().add("b0", IpNet.parse("10.1.0.1/24"));
            assertThatThrownBy(() -> h.addresses().add("b0", IpNet.parse("10.1.0.1/24")))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("10.1.0.1/24").hasMessageContaining("EEXIST");
            assertThatThrownBy(() -> h.addresses().delete("b0", IpNet.parse("10.1.0.99/24")))
                    .isInstanceOf(NetlinkException.class).hasMessageContaining("10.1.0.99/24");
        }
    }

    @Test
    void moveToADeadNamespaceFailsAndTheLinkStays() {
        NetNs ns = netns.create("bad");
        NetNs dead = netns.create("dead");
        dead.close();
        try (NetlinkHandle h = NetlinkHandle.open(ns)) {
            h.links().add(Veth.pair("mv0", "mv1"));
            assertThatThrownBy(() -> h.links().moveTo("mv0", dead))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThat(h.links().exists("mv0")).isTrue();
        }
    }
}
