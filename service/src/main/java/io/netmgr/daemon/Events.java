package io.netmgr.daemon;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Fans events out to whoever listens (event streams) and keeps the last {@value #KEPT}, as
 * dockerd does, so that a listener may start in the recent past ({@code since}). Listeners are
 * called under the lock, so each sees every event once and in order, with none lost between
 * the past it was handed and the live ones; they must only hand events on, never wait.
 */
public final class Events {
    /** How many past events are kept (dockerd keeps 256 too); older ones are forgotten, as is everything at restart. */
    public static final int KEPT = 256;

    private final Deque<Event> kept = new ArrayDeque<>();
    private final List<Consumer<Event>> listeners = new ArrayList<>();

    public synchronized void publish(Event event) {
        if (kept.size() == KEPT) {
            kept.removeFirst();
        }
        kept.addLast(event);
        for (Consumer<Event> l : listeners) {
            l.accept(event);
        }
    }

    /** Starts delivering live events to {@code listener}; run the returned action to stop. */
    public Runnable subscribe(Consumer<Event> listener) {
        return subscribe(e -> false, listener);
    }

    /**
     * Hands {@code listener} the kept events {@code past} accepts, oldest first, then every live
     * event; run the returned action to stop.
     */
    public synchronized Runnable subscribe(Predicate<Event> past, Consumer<Event> listener) {
        kept.stream().filter(past).forEach(listener);
        listeners.add(listener);
        return () -> {
            synchronized (this) {
                listeners.remove(listener);
            }
        };
    }

    /** The kept events {@code which} accepts, oldest first. */
    public synchronized List<Event> kept(Predicate<Event> which) {
        return new ArrayList<>(kept.stream().filter(which).toList());
    }
}
