package io.netmgr.nat.nft;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * netmgr's nftables table as data: every chain with its rules, and the elements of every set and
 * map. Two rulesets can be compared, so a change is rendered as the difference between them (a
 * new published port is one {@code add element}) and a listing of the kernel can be checked
 * against the one that was applied.
 */
public record NftRuleset(SortedMap<String, List<String>> chains, SortedMap<String, SortedSet<Element>> elements) {

    /** One element of a set ({@code value} null) or a map ({@code key : value}). */
    public record Element(String key, String value) implements Comparable<Element> {
        @Override
        public int compareTo(Element o) {
            int byKey = key.compareTo(o.key);
            return byKey != 0 ? byKey : String.valueOf(value).compareTo(String.valueOf(o.value));
        }

        @Override
        public String toString() {
            return value == null ? key : key + " : " + value;
        }
    }

    public NftRuleset {
        TreeMap<String, List<String>> c = new TreeMap<>();
        chains.forEach((k, v) -> c.put(k, List.copyOf(v)));
        TreeMap<String, SortedSet<Element>> e = new TreeMap<>();
        elements.forEach((k, v) -> e.put(k, Collections.unmodifiableSortedSet(new TreeSet<>(v))));
        chains = Collections.unmodifiableSortedMap(c);
        elements = Collections.unmodifiableSortedMap(e);
    }

    public List<String> rules(String chain) {
        return chains.getOrDefault(chain, List.of());
    }

    public SortedSet<Element> elements(String set) {
        return elements.getOrDefault(set, Collections.emptySortedSet());
    }

    /** How many rules each chain holds. */
    public Map<String, Integer> ruleCounts() {
        TreeMap<String, Integer> counts = new TreeMap<>();
        chains.forEach((k, v) -> counts.put(k, v.size()));
        return counts;
    }
}
