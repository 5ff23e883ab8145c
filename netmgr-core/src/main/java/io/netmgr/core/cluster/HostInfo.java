package io.netmgr.core.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Objects;

/** What a host of the cluster says about itself in the cluster store. */
public record HostInfo(String hostId, String hostname, String advertiseAddress, String startedAt, String version) {

    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public HostInfo {
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(advertiseAddress, "advertiseAddress");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(version, "version");
    }

    HostInfo startedNow(Instant now) {
        return new HostInfo(hostId, hostname, advertiseAddress, now.toString(), version);
    }

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HostInfo decode(byte[] json) {
        try {
            return JSON.readValue(json, HostInfo.class);
        } catch (IOException e) {
            throw new UncheckedIOException("a host record in the cluster store is not valid JSON", e);
        }
    }
}
