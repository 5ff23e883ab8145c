package io.netmgr.cni.daemon;

import io.netmgr.cni.CniError;
import io.netmgr.cni.CniRequest;
import io.netmgr.cni.Json;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How one plugin call travels to netmgrd's {@code POST /v1/cni} and back, in a shape a small C
 * program speaks: the plugin {@code bin/netmgr-cni} (dist's {@code src/main/c/netmgr-cni.c})
 * hands calls over without starting a JVM. The daemon's side reads it here:
 * <ul>
 * <li>request: the network configuration (the plugin's stdin) as the body, unchanged; each
 * {@code CNI_*} and {@code NETMGR_*} variable as one {@value #ENV_HEADER} header
 * {@code NAME=VALUE}, the value percent-encoded where it is not printable ASCII, and {@code %}
 * itself (so a header never carries a line break);</li>
 * <li>answer: {@code 200} with what the plugin prints as the body and the code it exits with in
 * {@value #EXIT_CODE_HEADER}. Any other status means the daemon did not run the call (for
 * instance {@value #MISDIRECTED}: the configuration names another daemon's socket), and the
 * caller runs it elsewhere.</li>
 * </ul>
 */
public final class CniWire {
    public static final String PATH = "/v1/cni";
    public static final String ENV_HEADER = "CNI-Env";
    public static final String EXIT_CODE_HEADER = "CNI-Exit-Code";
    public static final int MISDIRECTED = 421;
    /** Where netmgrd listens unless its configuration says otherwise. */
    public static final String DEFAULT_SOCKET = "/run/netmgr/netmgr.sock";

    private CniWire() {
    }

    /**
     * The configuration's bytes as text. Bytes that are not UTF-8 are refused (code 6) rather
     * than replaced, so a damaged configuration is never read as a different one.
     */
    public static String configuration(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CniError(CniError.DECODING_FAILURE, "network configuration is not valid UTF-8",
                    "JSON text must be UTF-8; check the file's encoding");
        }
    }

    /** The call a daemon received: its {@value #ENV_HEADER} header values and its body. */
    public static CniRequest request(List<String> envHeaders, String body) {
        Map<String, String> env = new TreeMap<>();
        for (String header : envHeaders) {
            int eq = header.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(ENV_HEADER + " header \"" + header + "\" is not NAME=VALUE");
            }
            env.put(header.substring(0, eq), decode(header.substring(eq + 1)));
        }
        return CniRequest.fromEnvironment(env, body);
    }

    /**
     * The daemon socket a network configuration names with {@code daemonSocket}; empty when it
     * turns the fast path off ({@code ""}); {@value #DEFAULT_SOCKET} when it names none (or
     * cannot be read, which the handler then reports with the right error code).
     */
    public static Optional<Path> daemonSocket(String configuration) {
        try {
            Object v = Json.parseObject(configuration).get("daemonSocket");
            if (v instanceof String s) {
                return s.isEmpty() ? Optional.empty() : Optional.of(Path.of(s));
            }
        } catch (IllegalArgumentException e) {
            // a malformed configuration is the handler's to report
        }
        return Optional.of(Path.of(DEFAULT_SOCKET));
    }

    static String decode(String value) {
        if (value.chars().allMatch(c -> c != '%' && c < 0x80)) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                bytes.write(c); // a header arrives as ISO-8859-1: raw UTF-8 bytes come back as they were sent
                continue;
            }
            int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(value.charAt(i + 2), 16);
            if (lo < 0) {
                throw new IllegalArgumentException("bad percent escape at offset " + i + " in \"" + value + "\"");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
