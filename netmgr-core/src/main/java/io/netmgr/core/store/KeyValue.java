package io.netmgr.core.store;

import java.nio.charset.StandardCharsets;

/** One stored key with its value and its revisions (as in etcd's mvccpb.KeyValue). */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version) {

    public String valueAsString() {
        return new String(value, StandardCharsets.UTF_8);
    }
}
