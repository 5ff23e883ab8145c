package io.netmgr.store.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A half-open range of etcd keys {@code [from, to)}, compared as unsigned bytes as etcd does;
 * {@code to} = {@code "\0"} is etcd's "every key from {@code from} on".
 */
record KeyRange(byte[] from, byte[] to) {

    private static final byte[] NO_END = {0};

    /** Exactly one key. */
    static KeyRange key(String key) {
        byte[] bytes = bytes(key);
        return new KeyRange(bytes, Arrays.copyOf(bytes, bytes.length + 1));
    }

    /** Every key starting with {@code prefix}; "" is every key (etcd takes no empty key: from "\0" on). */
    static KeyRange prefix(String prefix) {
        byte[] from = bytes(prefix);
        if (from.length == 0) {
            return new KeyRange(NO_END.clone(), NO_END.clone());
        }
        return new KeyRange(from, prefixEnd(from));
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    boolean contains(byte[] key) {
        return Arrays.compareUnsigned(key, from) >= 0 && (unbounded() || Arrays.compareUnsigned(key, to) < 0);
    }

    boolean within(KeyRange outer) {
        return outer.contains(from) && (outer.unbounded() || !unbounded() && Arrays.compareUnsigned(to, outer.to) <= 0);
    }

    boolean isEmpty() {
        return !unbounded() && Arrays.compareUnsigned(from, to) >= 0;
    }

    /** This range without {@code key}: the parts before and after it, either possibly empty. */
    KeyRange[] without(byte[] key) {
        byte[] after = Arrays.copyOf(key, key.length + 1);
        return new KeyRange[] {new KeyRange(from, key), new KeyRange(after, to)};
    }

    private boolean unbounded() {
        return Arrays.equals(to, NO_END);
    }

    // the smallest key greater than every key starting with the prefix: its last byte below 0xff, plus one
    private static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return NO_END.clone();
    }
}
