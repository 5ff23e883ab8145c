package io.netmgr.core.controller;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a half-done operation must take back if a later step fails, run newest first. Undo
 * steps that fail themselves are recorded as suppressed on the original failure, never hide it.
 */
public final class Undo {
    private final Deque<Runnable> steps = new ArrayDeque<>();

    public void push(Runnable step) {
        steps.push(step);
    }

    /** Runs every step, newest first, and rethrows {@code failure}. */
    public RuntimeException rollback(RuntimeException failure) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        return failure;
    }
}
