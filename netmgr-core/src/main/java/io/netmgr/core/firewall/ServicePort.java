package io.netmgr.core.firewall;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A port a service publishes on the host: {@code protocol} traffic to host port {@code published}
 * goes to port {@code target} of the service's backends, in {@code mode} (ingress or host).
 * Written as swarm's short syntax: {@code [mode=ingress|host,]PUBLISHED:TARGET[/tcp|/udp]}.
 */
public record ServicePort(PublishMode mode,
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_VALUES) @JsonSerialize(using = ToStringSerializer.class) Protocol protocol,
        int published, int target) {
    private static final Pattern SPEC = Pattern.compile("(?:mode=([^,]*),)?([^:/]*):([^:/]*)(?:/(.*))?");

    public ServicePort {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(protocol, "protocol");
        checkPort("published port", published);
        checkPort("target port", target);
    }

    /**
     * Parses {@code [mode=ingress|host,]PUBLISHED:TARGET[/tcp|/udp]}; {@code defaultMode} when the
     * text names none (the CLI's {@code --mode}). Every refusal names the text and what to write.
     */
    public static ServicePort parse(String text, PublishMode defaultMode) {
        Matcher m = SPEC.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw FirewallException.invalid("bad published port \"" + text
                    + "\": write [mode=ingress|host,]PUBLISHED:TARGET[/tcp|/udp], e.g. 8080:80/tcp");
        }
        PublishMode mode = m.group(1) == null ? defaultMode : PublishMode.parse(m.group(1));
        Protocol protocol = m.group(4) == null ? Protocol.TCP : Protocol.parse(m.group(4));
        return new ServicePort(mode, protocol, number("published port", m.group(2), text), number("target port", m.group(3), text));
    }

    /** The published side alone, as {@code unpublish} names a port: {@code PUBLISHED[/tcp|/udp]}. */
    public static Key parseKey(String text) {
        Matcher m = Pattern.compile("([^/]*)(?:/(.*))?").matcher(text == null ? "" : text.trim());
        if (!m.matches() || m.group(1).isEmpty()) {
            throw FirewallException.invalid("bad published port \"" + text + "\": write PUBLISHED[/tcp|/udp], e.g. 8080/tcp");
        }
        Protocol protocol = m.group(2) == null ? Protocol.TCP : Protocol.parse(m.group(2));
        int port = number("published port", m.group(1), text);
        return new Key(protocol, port);
    }

    /** What identifies a published port on a host: protocol and port. */
    public record Key(Protocol protocol, int published) {
        public Key {
            checkPort("published port", published);
        }

        @Override
        public String toString() {
            return published + "/" + protocol;
        }
    }

    @JsonIgnore
    public Key key() {
        return new Key(protocol, published);
    }

    /** Swarm's short syntax, mode first: {@code mode=ingress,8080:80/tcp}. */
    @Override
    public String toString() {
        return "mode=" + mode + "," + published + ":" + target + "/" + protocol;
    }

    private static int number(String what, String digits, String text) {
        try {
            int n = Integer.parseInt(digits);
            checkPort(what, n);
            return n;
        } catch (NumberFormatException e) {
            throw FirewallException.invalid("bad " + what + " \"" + digits + "\" in \"" + text + "\": give a number from 1 to 65535");
        }
    }

    private static void checkPort(String what, int port) {
        if (port < 1 || port > 65535) {
            throw FirewallException.invalid("bad " + what + " " + port + ": give a number from 1 to 65535");
        }
    }
}
