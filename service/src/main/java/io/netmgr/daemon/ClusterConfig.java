package io.netmgr.daemon;

import io.netmgr.core.cluster.HostRegistry;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.store.etcd.EtcdEndpoints;
import io.netmgr.store.etcd.EtcdTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How this host joins a cluster: the etcd cluster every host shares ({@code --cluster-store}),
 * the underlay address the other hosts reach this one at ({@code --advertise-addr}), TLS towards
 * etcd, and the TTL of the host's lease. Checked as a whole before netmgrd touches anything.
 */
record ClusterConfig(EtcdEndpoints endpoints, Optional<EtcdTls> tls, IpAddress advertiseAddress, Duration leaseTtl) {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)?");

    /** The cluster flags (or netmgrd.json keys) as given; all absent means one host, no cluster. */
    record Given(Optional<String> store, Optional<String> advertiseAddr, Optional<Path> cacert, Optional<Path> cert,
                 Optional<Path> key, Optional<String> leaseTtl) {
        static final Given NONE = new Given(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());

        /** These, each overriding what {@code base} (the config file) says. */
        Given over(Given base) {
            return new Given(store.or(base::store), advertiseAddr.or(base::advertiseAddr), cacert.or(base::cacert),
                    cert.or(base::cert), key.or(base::key), leaseTtl.or(base::leaseTtl));
        }
    }

    /**
     * Checks {@code given}: empty without {@code --cluster-store}.
     *
     * @throws IllegalArgumentException naming the flag at fault and what to give
     */
    static Optional<ClusterConfig> of(Given given) {
        if (given.store().isEmpty()) {
            String stray = given.advertiseAddr().map(a -> "--advertise-addr").or(() -> given.cacert().map(c -> "--cluster-cacert"))
                    .or(() -> given.cert().map(c -> "--cluster-cert")).or(() -> given.key().map(k -> "--cluster-key"))
                    .or(() -> given.leaseTtl().map(t -> "--cluster-lease-ttl")).orElse(null);
            if (stray != null) {
                throw new IllegalArgumentException(stray + " is for a cluster: give --cluster-store etcd://HOST:PORT too");
            }
            return Optional.empty();
        }
        EtcdEndpoints endpoints;
        try {
            endpoints = EtcdEndpoints.parse(given.store().get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--cluster-store: " + e.getMessage());
        }
        IpAddress advertise = given.advertiseAddr().map(a -> IpAddress.parse(a, "--advertise-addr"))
                .orElseThrow(() -> new IllegalArgumentException("--advertise-addr is required with --cluster-store: the IP "
                        + "address of this host's underlay interface, which the other hosts reach it at"));
        Optional<EtcdTls> tls = Optional.empty();
        if (given.cacert().isPresent()) {
            tls = Optional.of(new EtcdTls(given.cacert().get(), given.cert(), given.key()));
        } else if (given.cert().isPresent() || given.key().isPresent()) {
            throw new IllegalArgumentException("--cluster-cert and --cluster-key need --cluster-cacert, the CA of the etcd members' certificates");
        }
        Duration ttl = given.leaseTtl().map(ClusterConfig::duration).orElse(HostRegistry.DEFAULT_LEASE_TTL);
        return Optional.of(new ClusterConfig(endpoints, tls, advertise, ttl));
    }

    /**
     * Refuses an {@code --advertise-addr} that {@code namespace}, this host's, does not hold (a
     * typo, another host's address, an address not yet configured): the other hosts would send
     * this host's overlay traffic where it is not, and containers would not reach each other
     * without any error. A loopback address is refused too: no other host reaches it.
     *
     * @param hostAddresses the addresses the host namespace holds now
     * @throws IllegalArgumentException naming the flag, the value and the addresses it could be
     */
    void checkAdvertisedBy(Set<IpAddress> hostAddresses, String namespace) {
        List<String> candidates = hostAddresses.stream().filter(a -> !a.toInetAddress().isLoopbackAddress()
                && !a.toInetAddress().isLinkLocalAddress()).sorted().map(IpAddress::toString).toList();
        String choices = candidates.isEmpty() ? "it holds no address other hosts could reach"
                : "its addresses: " + String.join(", ", candidates);
        if (advertiseAddress.toInetAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("--advertise-addr " + advertiseAddress + " is a loopback address, which no other host"
                    + " reaches: give the address of this host's underlay interface (" + choices + ")");
        }
        if (!hostAddresses.contains(advertiseAddress)) {
            throw new IllegalArgumentException("--advertise-addr " + advertiseAddress + " is not an address of this host ("
                    + namespace + "; " + choices + "): give the address of its underlay interface, which the other hosts reach it at");
        }
    }

    /** {@code 2s}, {@code 1500ms}, {@code 1m} or bare seconds; at least one second, as etcd counts leases in seconds. */
    static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--cluster-lease-ttl \"" + text + "\" is not a duration; give e.g. 2s, 1500ms or 1m");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--cluster-lease-ttl " + text + " is below 1s: etcd leases count whole seconds");
        }
        return d;
    }
}
