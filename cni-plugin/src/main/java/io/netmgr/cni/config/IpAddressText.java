package io.netmgr.cni.config;

import io.netmgr.core.ipam.IpAddress;

/** Reads address text from the configuration, so bad input fails as error 7 with the field named. */
public final class IpAddressText {
    private IpAddressText() {
    }

    public static IpAddress parse(String field, String text) {
        try {
            return IpAddress.parse(text, field);
        } catch (IllegalArgumentException e) {
            throw ConfObject.invalid(e.getMessage());
        }
    }
}
