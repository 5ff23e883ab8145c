package io.netmgr.daemon.task;

/** One replica of a service, by its slot number: task {@code web.2} is slot 2 of service {@code web}, as swarm names them. */
public record TaskSlot(String service, int slot) implements Comparable<TaskSlot> {
    public TaskSlot {
        if (slot < 1) {
            throw new IllegalArgumentException("slot " + slot + ": slots count from 1");
        }
    }

    /** The task's name, also the name of its sandbox. */
    public String name() {
        return service + "." + slot;
    }

    @Override
    public int compareTo(TaskSlot o) {
        int c = service.compareTo(o.service);
        return c != 0 ? c : Integer.compare(slot, o.slot);
    }
}
