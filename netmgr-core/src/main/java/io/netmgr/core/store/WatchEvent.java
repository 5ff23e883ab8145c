package io.netmgr.core.store;

/** A change seen by a {@link Watch}: a put (with the new value) or a delete. */
public record WatchEvent(Type type, KeyValue kv, long revision) {
    public enum Type { PUT, DELETE }
}
