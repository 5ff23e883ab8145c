package io.netmgr.core.fake;

import java.util.ArrayList;
import java.util.List;

/**
 * The steps the fakes take on a controller's behalf (each driver call, firewall change, IPAM
 * grant or release, store commit, namespace change), counted, with one of them made to fail on
 * demand: {@link #failAt} the k-th step after arming, or {@link #failOn} the first step of a name.
 * Only the chosen step fails; the steps after it (the rollback) succeed.
 */
public final class Faults {
    private final List<String> steps = new ArrayList<>();
    private int failAt;
    private String failOn;
    private String crashOn;

    /** Records step {@code what}, failing it with an {@link InjectedFault} when it is the one chosen. */
    public void step(String what) {
        steps.add(what);
        if (crashOn != null && what.startsWith(crashOn)) {
            crashOn = null;
            throw new InjectedCrash(what);
        }
        if (steps.size() == failAt || (failOn != null && what.startsWith(failOn))) {
            failAt = 0;
            failOn = null;
            throw new InjectedFault(steps.size(), what);
        }
    }

    /** Starts counting again, and fails the {@code k}-th step from here (1 is the first; 0 fails none). */
    public void failAt(int k) {
        steps.clear();
        failAt = k;
        failOn = null;
    }

    /** Starts counting again, and fails the first step whose name starts with {@code name}. */
    public void failOn(String name) {
        steps.clear();
        failAt = 0;
        failOn = name;
    }

    /**
     * Has the first step whose name starts with {@code name} end the process, as kill -9 would:
     * an {@link InjectedCrash}, an Error the controller does not catch, so nothing is undone.
     * Build a new controller on the same stores and fakes to see what a restart makes of it.
     */
    public void crashOn(String name) {
        crashOn = name;
    }

    /** Starts counting again, failing nothing. */
    public void reset() {
        failAt(0);
    }

    /** The steps taken since the last {@link #failAt}, {@link #failOn} or {@link #reset}. */
    public List<String> steps() {
        return List.copyOf(steps);
    }

    /** The failure a fake throws at the step chosen. */
    public static final class InjectedFault extends RuntimeException {
        private final String step;

        InjectedFault(int number, String step) {
            super("injected failure at step " + number + ": " + step);
            this.step = step;
        }

        public String step() {
            return step;
        }
    }

    /** The process "killed" at a step ({@link #crashOn}): nothing after it runs, nothing is undone. */
    public static final class InjectedCrash extends Error {
        private static final long serialVersionUID = 1L;

        InjectedCrash(String step) {
            super("process killed at step: " + step);
        }
    }
}
