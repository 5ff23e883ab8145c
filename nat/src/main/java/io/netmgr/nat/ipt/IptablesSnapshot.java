package io.netmgr.nat.ipt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code iptables-save} shows: per table, its chains and its rules as saved
 * ({@code -A CHAIN ...}). The renderer needs it because iptables-restore --noflush cannot say
 * "create this chain if missing" or "insert this jump unless present".
 */
public record IptablesSnapshot(Map<String, Set<String>> chains, Map<String, List<String>> rules) {
    public static final IptablesSnapshot EMPTY = new IptablesSnapshot(Map.of(), Map.of());

    public IptablesSnapshot {
        Map<String, Set<String>> c = new LinkedHashMap<>();
        chains.forEach((k, v) -> c.put(k, Set.copyOf(v)));
        Map<String, List<String>> r = new LinkedHashMap<>();
        rules.forEach((k, v) -> r.put(k, List.copyOf(v)));
        chains = Map.copyOf(c);
        rules = Map.copyOf(r);
    }

    /** Parses iptables-save output. */
    public static IptablesSnapshot parse(String save) {
        Map<String, Set<String>> chains = new LinkedHashMap<>();
        Map<String, List<String>> rules = new LinkedHashMap<>();
        String table = null;
        for (String line : save.split("\n")) {
            if (line.startsWith("*")) {
                table = line.substring(1).trim();
                chains.computeIfAbsent(table, t -> new LinkedHashSet<>());
                rules.computeIfAbsent(table, t -> new ArrayList<>());
            } else if (table != null && line.startsWith(":")) {
                chains.get(table).add(line.substring(1).split(" ")[0]);
            } else if (table != null && line.startsWith("-A ")) {
                rules.get(table).add(line.trim());
            }
        }
        return new IptablesSnapshot(chains, rules);
    }

    public boolean hasChain(String table, String chain) {
        return chains.getOrDefault(table, Set.of()).contains(chain);
    }

    public boolean hasRule(String table, String rule) {
        return rules.getOrDefault(table, List.of()).contains(rule);
    }

    /** How many rules {@code chain} of {@code table} holds. */
    public long ruleCount(String table, String chain) {
        String prefix = "-A " + chain + " ";
        return rules.getOrDefault(table, List.of()).stream().filter(r -> r.startsWith(prefix)).count();
    }
}
