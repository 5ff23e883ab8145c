package io.netmgr.core.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Optional;

/** The optimistic update callers make: read, compute, write if nobody wrote in between. */
final class StoreCounter {

    private StoreCounter() {
    }

    /** Adds one to the decimal counter at {@code key}, retrying lost races; returns how many races it lost. */
    static int increment(Store store, String key) {
        for (int lost = 0; ; lost++) {
            Optional<KeyValue> current = store.get(key);
            long value = current.map(kv -> Long.parseLong(kv.valueAsString())).orElse(0L);
            TxnResult result = store.txn()
                    .ifModRevision(key, current.map(KeyValue::modRevision).orElse(0L))
                    .put(key, String.valueOf(value + 1).getBytes(UTF_8))
                    .commit();
            if (result.succeeded()) {
                return lost;
            }
        }
    }
}
