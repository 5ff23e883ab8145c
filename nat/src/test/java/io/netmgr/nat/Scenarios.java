package io.netmgr.nat;

import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.endpoint.PortBinding;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.NetworkRules;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpPrefix;

/** Representative firewall states, rendered by both backends' golden-file tests. */
public final class Scenarios {
    public static final NetworkRules WEB = NetworkRules.bridge("web", "br-web", IpPrefix.parse("10.10.0.0/24"),
            IpPrefix.parse("fd00:10::/64"));
    public static final NetworkRules DB = NetworkRules.bridge("db", "br-db", IpPrefix.parse("10.20.0.0/24"))
            .withIcc(false).withHairpin(false);
    public static final NetworkRules SECRET = NetworkRules.bridge("secret", "br-secret", IpPrefix.parse("10.30.0.0/24"))
            .withInternal(true);
    public static final NetworkRules NOMASQ = NetworkRules.bridge("routed", "br-routed", IpPrefix.parse("10.40.0.0/24"))
            .withMasquerade(false);

    private Scenarios() {
    }

    /** One dual-stack network with ports on every address, on localhost, a UDP range and an IPv6 port. */
    public static FirewallState oneNetwork() {
        return FirewallState.EMPTY.withNetwork(WEB).withPort(
                publish("8080:80", "web", "web1", "10.10.0.2"),
                publish("127.0.0.1:8443:443", "web", "web1", "10.10.0.2"),
                publish("5300-5302:53-55/udp", "web", "dns", "10.10.0.3"),
                publish("[fd00::1]:8080:80", "web", "web1", "fd00:10::2"));
    }

    /** Four networks that differ in every option. */
    public static FirewallState fourNetworks() {
        return oneNetwork().withNetwork(DB).withNetwork(SECRET).withNetwork(NOMASQ)
                .withPort(publish("192.0.2.1:5432:5432", "db", "pg", "10.20.0.2"));
    }

    public static PortMapping publish(String spec, String network, String owner, String containerIp) {
        return PortBinding.parse(spec).toMapping(network, owner, IpAddress.parse(containerIp));
    }

    /** Service "api" on network web: VIP 10.10.0.100, three backends, an ingress and a host-mode port. */
    public static final String API_ID = "a1b2c3d4e5f6" + "0".repeat(52);

    public static ServiceRules api() {
        return new ServiceRules(API_ID, "api", java.util.List.of(new ServiceRules.Vip("web", IpAddress.parse("10.10.0.100"))),
                java.util.List.of(ServicePort.parse("8000:80/tcp", PublishMode.INGRESS), ServicePort.parse("mode=host,5353:53/udp", PublishMode.INGRESS)),
                java.util.List.of(backend("10.10.0.11"), backend("10.10.0.12"), backend("10.10.0.13")));
    }

    public static ServiceRules.Backend backend(String ip) {
        return new ServiceRules.Backend("web", "ep-" + ip, "sb-" + ip, IpAddress.parse(ip), true);
    }
}
