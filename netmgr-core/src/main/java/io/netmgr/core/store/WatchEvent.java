package io.netmgr.core.store;

/**
 * A change seen by a {@link Watch}: a put (with the new value) or a delete.
 *
 * <p>{@code revision} is the store revision of the transaction that made the change. For a put,
 * {@code kv} is the key as written; for a delete, it is the key's last value before the delete,
 * so a watcher learns what went away.
 */
public record WatchEvent(Type type, KeyValue kv, long revision) {
    public enum Type { PUT, DELETE }
}
