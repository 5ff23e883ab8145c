package io.netmgr.daemon.task;

import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A service's desired tasks: how many replicas run which command, and which of the slots 1..N
 * this host runs: all of them on one host; in a cluster those the store assigns to it.
 */
public record TaskSpec(String service, int replicas, TaskCommand command, SortedSet<Integer> slots) {
    public TaskSpec {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas: " + replicas + " is negative; give 0 or more");
        }
        slots = Collections.unmodifiableSortedSet(new TreeSet<>(slots));
        if (!slots.isEmpty() && (slots.first() < 1 || slots.last() > replicas)) {
            throw new IllegalArgumentException("slots " + slots + ": a service of " + replicas + " replicas has slots 1 to " + replicas);
        }
    }

    /** Every slot 1..{@code replicas} on this host. */
    public TaskSpec(String service, int replicas, TaskCommand command) {
        this(service, replicas, command, allSlots(replicas));
    }

    /** The same service with only {@code mine} of its slots run here. */
    public TaskSpec onlySlots(Collection<Integer> mine) {
        return new TaskSpec(service, replicas, command, new TreeSet<>(mine));
    }

    /** Whether this host runs slot {@code slot}. */
    public boolean runs(int slot) {
        return slots.contains(slot);
    }

    private static SortedSet<Integer> allSlots(int replicas) {
        SortedSet<Integer> all = new TreeSet<>();
        for (int i = 1; i <= replicas; i++) {
            all.add(i);
        }
        return all;
    }
}
