package io.netmgr.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes {@link LmdbStore} writes. Keys are UTF-8 (so LMDB's byte order is key order);
 * revisions are 8-byte big-endian (so byte order is numeric order); a key's record is its
 * createRevision, modRevision and version followed by the value.
 */
final class LmdbCodec {

    private static final int REVISIONS_BYTES = 3 * Long.BYTES;

    private LmdbCodec() {
    }

    static byte[] key(String key) {
        return key.getBytes(UTF_8);
    }

    static byte[] revision(long revision) {
        return ByteBuffer.allocate(Long.BYTES).putLong(revision).array();
    }

    static long revision(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }

    static byte[] record(KeyValue kv) {
        return ByteBuffer.allocate(REVISIONS_BYTES + kv.value().length)
                .putLong(kv.createRevision())
                .putLong(kv.modRevision())
                .putLong(kv.version())
                .put(kv.value())
                .array();
    }

    static KeyValue keyValue(byte[] key, byte[] record) {
        ByteBuffer in = ByteBuffer.wrap(record);
        long createRevision = in.getLong();
        long modRevision = in.getLong();
        long version = in.getLong();
        byte[] value = new byte[in.remaining()];
        in.get(value);
        return new KeyValue(new String(key, UTF_8), value, createRevision, modRevision, version);
    }

    /** One revision's events: count, then per event its type, key and record, each length-prefixed. */
    static byte[] events(List<WatchEvent> events) {
        List<byte[]> keys = new ArrayList<>(events.size());
        List<byte[]> records = new ArrayList<>(events.size());
        int size = Integer.BYTES;
        for (WatchEvent event : events) {
            keys.add(key(event.kv().key()));
            records.add(record(event.kv()));
            size += 1 + 2 * Integer.BYTES + keys.get(keys.size() - 1).length + records.get(records.size() - 1).length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).putInt(events.size());
        for (int i = 0; i < events.size(); i++) {
            out.put((byte) events.get(i).type().ordinal());
            out.putInt(keys.get(i).length).put(keys.get(i));
            out.putInt(records.get(i).length).put(records.get(i));
        }
        return out.array();
    }

    static List<WatchEvent> events(long revision, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int count = in.getInt();
        List<WatchEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            WatchEvent.Type type = WatchEvent.Type.values()[in.get()];
            byte[] key = new byte[in.getInt()];
            in.get(key);
            byte[] record = new byte[in.getInt()];
            in.get(record);
            events.add(new WatchEvent(type, keyValue(key, record), revision));
        }
        return events;
    }
}
