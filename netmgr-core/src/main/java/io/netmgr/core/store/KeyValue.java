package io.netmgr.core.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One stored key with its value and its revisions (as in etcd's mvccpb.KeyValue).
 *
 * <p>{@code createRevision} is the store revision that created the key, {@code modRevision} the
 * one that last changed it, and {@code version} counts the puts since it was created (1 after
 * the first put; a delete ends the key's life, and a later put starts again at 1).
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }

    // A record compares arrays by identity; two reads of one key must be equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other
                && key.equals(other.key)
                && Arrays.equals(value, other.value)
                && createRevision == other.createRevision
                && modRevision == other.modRevision
                && version == other.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(value), createRevision, modRevision, version);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + key + ", value=" + valueAsString() + ", createRevision=" + createRevision
                + ", modRevision=" + modRevision + ", version=" + version + "]";
    }
}
