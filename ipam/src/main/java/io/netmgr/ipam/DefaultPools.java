package io.netmgr.ipam;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.addr.IpPrefix;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * The subnets handed to networks that give none, in order of preference: Docker's
 * {@code default-address-pools}, each base split into subnets of one size.
 */
public record DefaultPools(List<Base> bases) {

    /** A base prefix split into subnets of {@code size} bits, as Docker's {@code {"base":"192.168.0.0/16","size":20}}. */
    public record Base(IpPrefix prefix, int size) {
        public Base {
            Objects.requireNonNull(prefix, "prefix");
            if (size < prefix.length() || size > prefix.family().bits()) {
                throw new IllegalArgumentException("default pool base " + prefix + " cannot be split into /" + size
                        + " subnets; choose a size from " + prefix.length() + " to " + prefix.family().bits());
            }
        }

        /** The subnets of this base, lowest first. */
        Stream<IpPrefix> subnets() {
            BigInteger step = BigInteger.ONE.shiftLeft(prefix.family().bits() - size);
            // a base has at most 2^63 subnets worth trying: far more than anyone requests
            long count = BigInteger.ONE.shiftLeft(size - prefix.length()).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
            return LongStream.range(0, count)
                    .mapToObj(i -> new IpPrefix(prefix.nth(step.multiply(BigInteger.valueOf(i))), size));
        }
    }

    public DefaultPools {
        bases = List.copyOf(bases);
    }

    /**
     * The default pools of global (overlay) networks, Docker swarm's default address pool:
     * 10.0.0.0/8 in /24s, and for IPv6 the /64s of {@code uniqueLocal}. Apart from the local
     * defaults, so an overlay never takes a subnet a bridge network of some host may hold.
     */
    public static DefaultPools cluster(IpPrefix uniqueLocal) {
        return new DefaultPools(List.of(new Base(IpPrefix.parse("10.0.0.0/8"), 24), new Base(uniqueLocal, 64)));
    }

    /**
     * Docker's defaults: 172.17.0.0/16 to 172.31.0.0/16, then 192.168.0.0/16 in /20s; for IPv6,
     * the /64s of {@code uniqueLocal}, a /48 of fd00::/8 (see {@link #uniqueLocalPrefix}).
     */
    public static DefaultPools docker(IpPrefix uniqueLocal) {
        return new DefaultPools(List.of(
                new Base(IpPrefix.parse("172.17.0.0/16"), 16),
                new Base(IpPrefix.parse("172.18.0.0/15"), 16),
                new Base(IpPrefix.parse("172.20.0.0/14"), 16),
                new Base(IpPrefix.parse("172.24.0.0/13"), 16),
                new Base(IpPrefix.parse("192.168.0.0/16"), 20),
                new Base(uniqueLocal, 64)));
    }

    /** {@link #docker} with this host's unique local prefix, derived from /etc/machine-id. */
    public static DefaultPools forThisHost() {
        return docker(uniqueLocalPrefix(hostId()));
    }

    /**
     * A unique local /48 (RFC 4193): fd00::/8 and a 40-bit global id, here the first 40 bits of
     * the SHA-256 of {@code hostId}, so that one host always derives the same prefix and two
     * hosts (whose networks an overlay may join) almost never the same.
     */
    public static IpPrefix uniqueLocalPrefix(String hostId) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(hostId.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
        byte[] address = new byte[16];
        address[0] = (byte) 0xfd;
        System.arraycopy(digest, 0, address, 1, 5);
        return new IpPrefix(IpAddress.of(address), 48);
    }

    /** The candidate subnets of {@code family}, most preferred first. */
    public Stream<IpPrefix> candidates(IpFamily family) {
        return bases.stream().filter(base -> base.prefix().family() == family).flatMap(Base::subnets);
    }

    // machine-id is stable for the host's life and unique; the host name is the fallback of
    // containers and minimal images that have none
    private static String hostId() {
        for (Path file : List.of(Path.of("/etc/machine-id"), Path.of("/proc/sys/kernel/hostname"))) {
            try {
                String id = Files.readString(file).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            } catch (IOException e) {
                // try the next source
            }
        }
        return "netmgr";
    }
}
