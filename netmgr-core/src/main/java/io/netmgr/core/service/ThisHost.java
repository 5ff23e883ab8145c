package io.netmgr.core.service;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The name backends record as their host (`service ps` shows it); host-mode ports reach only backends of this one. */
public final class ThisHost {
    private static final String NAME = lookUp();

    private ThisHost() {
    }

    public static String name() {
        return NAME;
    }

    private static String lookUp() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost"; // a host without a resolvable name is still one host
        }
    }
}
