package io.netmgr.nat.nft;

import io.netmgr.core.firewall.PortMapping;
import io.netmgr.nat.PublishedPort;
import io.netmgr.nat.nft.NftRuleset.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The elements published ports keep in netmgr's maps and sets, and how many ports use each
 * shared one (a backend serves every host port mapped to it). With it, publishing or removing
 * ports renders their element changes alone, at a cost that does not depend on how many ports
 * are published already. A unit test checks the result equals the full diff of the two states.
 */
final class PortElementCounts {
    private record Key(String set, Element element) {
    }

    private final Map<Key, Integer> uses = new HashMap<>();
    private final Map<String, Integer> sizes = new HashMap<>();

    /** A change not made yet: its script, and the use counts it moves. */
    record Change(String script, Map<Key, Integer> delta) {
    }

    static PortElementCounts of(List<PortMapping> ports) {
        PortElementCounts c = new PortElementCounts();
        c.commit(c.change(ports, List.of()));
        return c;
    }

    /** The element changes of adding {@code added} and removing {@code removed}; nothing changes until {@link #commit}. */
    Change change(List<PortMapping> added, List<PortMapping> removed) {
        Map<Key, Integer> delta = new LinkedHashMap<>();
        for (PublishedPort p : PublishedPort.of(removed)) {
            for (NftablesRenderer.PortElement e : NftablesRenderer.portElements(p)) {
                delta.merge(new Key(e.set(), e.element()), -1, Integer::sum);
            }
        }
        for (PublishedPort p : PublishedPort.of(added)) {
            for (NftablesRenderer.PortElement e : NftablesRenderer.portElements(p)) {
                delta.merge(new Key(e.set(), e.element()), 1, Integer::sum);
            }
        }
        Map<String, List<Element>> gone = new LinkedHashMap<>();
        Map<String, List<Element>> fresh = new LinkedHashMap<>();
        delta.forEach((key, d) -> {
            int before = uses.getOrDefault(key, 0);
            int after = before + d;
            if (before > 0 && after <= 0) {
                gone.computeIfAbsent(key.set(), s -> new ArrayList<>()).add(key.element());
            } else if (before <= 0 && after > 0) {
                fresh.computeIfAbsent(key.set(), s -> new ArrayList<>()).add(key.element());
            }
        });
        return new Change(NftablesRenderer.elementChanges(gone, fresh), delta);
    }

    /** Makes {@code change} the counts, once its script went in. */
    void commit(Change change) {
        change.delta().forEach((key, d) -> {
            int before = uses.getOrDefault(key, 0);
            int after = before + d;
            if (after <= 0) {
                uses.remove(key);
            } else {
                uses.put(key, after);
            }
            if (before <= 0 && after > 0) {
                sizes.merge(key.set(), 1, Integer::sum);
            } else if (before > 0 && after <= 0) {
                sizes.merge(key.set(), -1, Integer::sum);
            }
        });
    }

    /** How many elements ports put in {@code set}. */
    int size(String set) {
        return sizes.getOrDefault(set, 0);
    }
}
