package io.netmgr.core.firewall;

import java.util.List;

/** What a firewall found when it compared the kernel's rules with the ones it applied. */
public record Verification(List<String> problems) {
    public static final Verification INTACT = new Verification(List.of());

    public Verification {
        problems = List.copyOf(problems);
    }

    /** True when every rule, chain, set and element netmgr applied is in place. */
    public boolean intact() {
        return problems.isEmpty();
    }

    @Override
    public String toString() {
        return intact() ? "intact" : String.join("; ", problems);
    }
}
