package io.netmgr.core.store;

import java.util.Optional;

class MemoryStoreTest extends StoreContract {

    @Override
    protected Store newStore() {
        return new MemoryStore();
    }

    @Override
    protected Optional<Store> newStoreRetaining(int revisions) {
        return Optional.of(new MemoryStore(revisions));
    }
}
