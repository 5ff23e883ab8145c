package io.netmgr.store.etcd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The members of an etcd cluster as a user names them: {@code etcd://HOST:PORT[,HOST:PORT...]}
 * (the {@code --cluster-store} value). The client tries them in turn, so one live member is enough.
 */
public record EtcdEndpoints(List<String> hostPorts) {

    private static final String SCHEME = "etcd://";
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]");

    public EtcdEndpoints {
        hostPorts = List.copyOf(hostPorts);
        if (hostPorts.isEmpty()) {
            throw new IllegalArgumentException("an etcd cluster needs at least one member");
        }
    }

    /**
     * Reads {@code etcd://HOST:PORT[,HOST:PORT...]}.
     *
     * @throws IllegalArgumentException naming the part that is wrong and the expected shape
     */
    public static EtcdEndpoints parse(String url) {
        String expected = "; expected etcd://HOST:PORT[,HOST:PORT...], e.g. etcd://10.0.0.1:2379,10.0.0.2:2379";
        if (url == null || !url.startsWith(SCHEME)) {
            throw new IllegalArgumentException("cluster store \"" + url + "\" is not an etcd URL" + expected);
        }
        String rest = url.substring(SCHEME.length());
        List<String> members = new ArrayList<>();
        for (String member : rest.split(",", -1)) {
            int colon = member.lastIndexOf(':');
            String host = colon < 0 ? member : member.substring(0, colon);
            String port = colon < 0 ? "" : member.substring(colon + 1);
            if (host.isEmpty() || !HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("cluster store \"" + url + "\": member \"" + member
                        + "\" has no valid host" + expected);
            }
            int number;
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("cluster store \"" + url + "\": member \"" + member
                        + "\" needs a port from 1 to 65535" + expected);
            }
            members.add(host + ":" + number);
        }
        return new EtcdEndpoints(members);
    }

    /** The gRPC targets jetcd dials: {@code http://} or, with TLS, {@code https://}. */
    List<String> uris(boolean tls) {
        String scheme = tls ? "https://" : "http://";
        return hostPorts.stream().map(hp -> scheme + hp).toList();
    }

    @Override
    public String toString() {
        return SCHEME + String.join(",", hostPorts);
    }
}
