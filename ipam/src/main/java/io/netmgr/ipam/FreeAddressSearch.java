package io.netmgr.ipam;

import io.netmgr.core.ipam.AddressRange;
import io.netmgr.core.ipam.IpamConfig;
import io.netmgr.core.store.KeyValue;
import io.netmgr.core.store.Store;
import io.netmgr.netlink.addr.IpAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * Finds the first free address of a pool's range after the last one handed out, wrapping around
 * to the start of the range, as CNI host-local does with its last reserved IP: an address just
 * released is not handed out again until the rest of the range has had its turn.
 *
 * <p>Why blocks: the per-address keys are the truth every process agrees on (each is created with
 * a compare-and-swap), but reading them one by one, a store get per candidate, costs thousands of
 * reads in a busy /16; ranging the whole pool costs every key on every request. Because address
 * keys sort by address (see {@link IpamKeys}), one prefix range reads a block of 256 addresses.
 * Allocation goes forward from the last address, where the block is mostly free, so a request
 * costs one range of at most 256 keys; only a nearly full range walks more blocks. Nothing is
 * cached, so there is no second copy (a bitmap) to keep in step with other processes.
 */
final class FreeAddressSearch {

    private final Store store;
    private final String poolId;
    private final IpamConfig config;

    FreeAddressSearch(Store store, String poolId, IpamConfig config) {
        this.store = store;
        this.poolId = poolId;
        this.config = config;
    }

    /**
     * The next free usable address after {@code last}, or from the start of the first range; empty
     * when all are held. With several ranges, the search goes on through the ranges after the one
     * holding {@code last}, then wraps to the first.
     */
    Optional<IpAddress> after(Optional<IpAddress> last) {
        for (AddressRange segment : searchOrder(config.allocationRanges(), last)) {
            Optional<IpAddress> free = firstFree(segment.first(), segment.last());
            if (free.isPresent()) {
                return free;
            }
        }
        return Optional.empty();
    }

    /**
     * The ranges cut at {@code last}: what follows it in its range, the later ranges, the earlier
     * ones, and last its range up to {@code last} itself (held a moment ago, but maybe released since).
     */
    static List<AddressRange> searchOrder(List<AddressRange> ranges, Optional<IpAddress> last) {
        int at = last.isEmpty() ? -1 : indexOf(ranges, last.get());
        if (at < 0) {
            return ranges;
        }
        IpAddress pointer = last.get();
        AddressRange current = ranges.get(at);
        List<AddressRange> order = new ArrayList<>();
        if (!pointer.equals(current.last())) {
            order.add(new AddressRange(pointer.next(), current.last()));
        }
        order.addAll(ranges.subList(at + 1, ranges.size()));
        order.addAll(ranges.subList(0, at));
        order.add(new AddressRange(current.first(), pointer));
        return order;
    }

    private static int indexOf(List<AddressRange> ranges, IpAddress address) {
        for (int i = 0; i < ranges.size(); i++) {
            if (ranges.get(i).contains(address)) {
                return i;
            }
        }
        return -1;
    }

    /** The first free usable address from {@code from} to {@code to}, both included. */
    private Optional<IpAddress> firstFree(IpAddress from, IpAddress to) {
        IpAddress block = blockOf(from);
        IpAddress lastBlock = blockOf(to);
        int index = indexInBlock(from);
        while (true) {
            boolean last = block.equals(lastBlock);
            int end = last ? indexInBlock(to) : IpamKeys.BLOCK - 1;
            BitSet held = held(block);
            for (index = held.nextClearBit(index); index <= end; index = held.nextClearBit(index + 1)) {
                IpAddress candidate = block.plus(index);
                if (config.isUsable(candidate)) {
                    return Optional.of(candidate);
                }
            }
            if (last) {
                return Optional.empty();
            }
            block = block.plus(IpamKeys.BLOCK);
            index = 0;
        }
    }

    private static IpAddress blockOf(IpAddress address) {
        return new IpAddress(address.family(), address.high(), address.low() & -IpamKeys.BLOCK);
    }

    private static int indexInBlock(IpAddress address) {
        return (int) (address.low() & (IpamKeys.BLOCK - 1));
    }

    private BitSet held(IpAddress block) {
        BitSet held = new BitSet(IpamKeys.BLOCK);
        for (KeyValue kv : store.range(IpamKeys.block(poolId, block))) {
            held.set(IpamKeys.indexInBlock(kv.key(), block.family()));
        }
        return held;
    }
}
