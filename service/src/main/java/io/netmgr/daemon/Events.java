package io.netmgr.daemon;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Fans events out to whoever listens (event streams); publishing never waits for a listener. */
public final class Events {
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();

    public void publish(Event event) {
        for (Consumer<Event> l : listeners) {
            l.accept(event);
        }
    }

    /** Starts delivering events to {@code listener}; run the returned action to stop. */
    public Runnable subscribe(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
