package io.netmgr.netlink.rt;

import io.netmgr.netlink.NetlinkException;
import io.netmgr.netlink.NetlinkSocket;
import io.netmgr.netlink.link.Link;
import io.netmgr.netlink.link.MacAddress;
import io.netmgr.netlink.ns.NetNs;
import io.netmgr.netlink.sys.Errno;
import io.netmgr.netlink.wire.MessageWriter;
import java.util.List;
import java.util.Optional;

/** Link operations in one namespace: list, get, add, delete, and change a link's settings. */
public final class Links {
    private final NetlinkSocket socket;

    public Links(NetlinkSocket socket) {
        this.socket = socket;
    }

    public List<Link> list() {
        return socket.query(LinkCodec.dump(), "list links", LinkCodec::decode);
    }

    /** The link named {@code name}; throws {@link NetlinkException} (ENODEV) when there is none. */
    public Link get(String name) {
        return find(name).orElseThrow(() -> new NetlinkException("get link " + name, Errno.ENODEV, null));
    }

    public Link get(int index) {
        return only(socket.query(LinkCodec.getByIndex(index), "get link #" + index, LinkCodec::decode), "#" + index);
    }

    /** The link named {@code name}, if it exists. */
    public Optional<Link> find(String name) {
        try {
            return Optional.of(only(socket.query(LinkCodec.getByName(name), "get link " + name, LinkCodec::decode), name));
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean exists(String name) {
        return find(name).isPresent();
    }

    /** Creates {@code link}; an existing name fails with EEXIST. Returns the link as the kernel made it. */
    public Link add(Link link) {
        MessageWriter request = LinkCodec.create(link);
        socket.execute(request, "add " + link.kind() + " link " + link.name());
        return get(link.name());
    }

    public void delete(String name) {
        delete(get(name).index(), name);
    }

    public void delete(int index, String nameForErrors) {
        socket.execute(LinkCodec.delete(index), "delete link " + nameForErrors);
    }

    /** Deletes the link if it exists; returns whether it did. */
    public boolean deleteIfExists(String name) {
        Optional<Link> l = find(name);
        if (l.isEmpty()) {
            return false;
        }
        try {
            delete(l.get().index(), name);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return false; // gone in between (e.g. its veth peer was deleted)
            }
            throw e;
        }
    }

    public void setUp(String name) {
        setUp(get(name).index(), name);
    }

    /** Sets the link of {@code index} up: for a caller that knows the index, one request instead of two. */
    public void setUp(int index, String nameForErrors) {
        socket.execute(LinkCodec.setUp(index, true), "set link " + nameForErrors + " up");
    }

    public void setDown(String name) {
        socket.execute(LinkCodec.setUp(get(name).index(), false), "set link " + name + " down");
    }

    public void setMtu(String name, int mtu) {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("MTU must be 68..65535, got " + mtu + " for link " + name);
        }
        MessageWriter w = LinkCodec.setMtu(get(name).index(), mtu);
        socket.execute(w, "set MTU " + mtu + " on link " + name);
    }

    public void setMac(String name, MacAddress mac) {
        MessageWriter w = LinkCodec.setMac(get(name).index(), mac);
        socket.execute(w, "set MAC " + mac + " on link " + name);
    }

    /** Enslaves {@code name} to the bridge {@code master}. */
    public void setMaster(String name, String master) {
        int masterIndex = get(master).index();
        MessageWriter w = LinkCodec.setMaster(get(name).index(), masterIndex);
        socket.execute(w, "attach link " + name + " to " + master);
    }

    public void clearMaster(String name) {
        MessageWriter w = LinkCodec.setMaster(get(name).index(), 0);
        socket.execute(w, "detach link " + name + " from its master");
    }

    public void rename(String name, String newName) {
        LinkCodec.validateName(newName);
        MessageWriter w = LinkCodec.rename(get(name).index(), newName);
        socket.execute(w, "rename link " + name + " to " + newName);
    }

    /** Moves the link into {@code target}; it disappears from this namespace. */
    public void moveTo(String name, NetNs target) {
        MessageWriter w = LinkCodec.moveTo(get(name).index(), target.fd(), null);
        socket.execute(w, "move link " + name + " to " + target);
    }

    /** Moves the link into {@code target} and renames it there in the same request. */
    public void moveTo(String name, NetNs target, String newName) {
        LinkCodec.validateName(newName);
        MessageWriter w = LinkCodec.moveTo(get(name).index(), target.fd(), newName);
        socket.execute(w, "move link " + name + " to " + target + " as " + newName);
    }

    /** Sets the link's alias (what `ip link show` prints after "alias"), at most 255 bytes. */
    public void setAlias(String name, String alias) {
        socket.execute(LinkCodec.setAlias(get(name).index(), alias), "set alias of link " + name);
    }

    /** The link's alias, if it has one; throws {@link NetlinkException} (ENODEV) when there is no such link. */
    public Optional<String> alias(String name) {
        List<Optional<String>> found = socket.query(LinkCodec.getByName(name), "get link " + name, LinkCodec::decodeAlias);
        return only(found, name).filter(a -> !a.isEmpty());
    }

    /** Hairpin mode of a bridge port: frames may leave by the port they came in on. */
    public void setHairpin(String name, boolean on) {
        setHairpin(get(name).index(), name, on);
    }

    /** Hairpin mode of the bridge port of {@code index}, for a caller that knows the index. */
    public void setHairpin(int index, String nameForErrors, boolean on) {
        socket.execute(LinkCodec.bridgePort(index, on, null), "set hairpin " + on + " on bridge port " + nameForErrors);
    }

    /** MAC learning of a bridge port. */
    public void setLearning(String name, boolean on) {
        socket.execute(LinkCodec.bridgePort(get(name).index(), null, on), "set learning " + on + " on bridge port " + name);
    }

    private static <T> T only(List<T> links, String what) {
        if (links.isEmpty()) {
            throw new NetlinkException("get link " + what, Errno.ENODEV, null);
        }
        return links.get(0);
    }
}
