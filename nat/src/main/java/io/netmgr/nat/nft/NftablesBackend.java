package io.netmgr.nat.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.PortMapping;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.firewall.Verification;
import io.netmgr.nat.PublishedPort;
import io.netmgr.nat.TransactionalFirewall;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.nftables.NftablesGeneration;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The nftables firewall: in-process through libnftables, each change one script and so one
 * kernel transaction. A change of state is rendered as the difference from the last applied
 * ruleset, and ports published or removed one owner at a time as their element changes alone; if
 * that fails because someone changed netmgr's table meanwhile, the whole table is replaced instead.
 */
public final class NftablesBackend extends TransactionalFirewall {
    private static final System.Logger LOG = System.getLogger(NftablesBackend.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int ELEMENTS_COUNTED_EVERY_TIME = 1000;
    static final int ELEMENT_CHECK_SECONDS = 10;

    private final Nft nft;
    // the rule guard's alone: opened on its first read, so a firewall that never guards (the CLI, an
    // in-process CNI call) opens no socket for it
    private final Object generationLock = new Object();
    private NftablesGeneration generation;
    private boolean generationTried;
    private long lastElementCheck = System.nanoTime() - ELEMENT_CHECK_SECONDS * 1_000_000_000L;
    // what the kernel should hold: the last whole ruleset (null once ports changed since), the
    // rules per chain, and the elements per set, those of networks apart from those of ports
    private FirewallState appliedState = FirewallState.EMPTY;
    private NftRuleset applied = NftablesRenderer.ruleset(FirewallState.EMPTY);
    private Map<String, Integer> ruleCounts = Map.of();
    private Map<String, Integer> networkElementCounts = Map.of();
    private PortElementCounts portElements = PortElementCounts.of(List.of());
    // how many elements services put in each set (none shares one: each VIP and published port is one service's)
    private Map<String, Integer> serviceElements = new HashMap<>();

    public NftablesBackend(NetNs ns, Supplier<Set<IpAddress>> hostAddresses) {
        super(ns, hostAddresses);
        this.nft = Nft.open(ns);
    }

    /** The generation's socket, or null when it cannot be had: the rule guard then lists every time, as before. */
    private static NftablesGeneration openGeneration(NetNs ns) {
        try {
            return NftablesGeneration.open(ns);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the nftables generation in " + ns + " (" + e.getMessage()
                    + "): the rule guard lists netmgr's table at every check");
            return null;
        }
    }

    /** The namespace's nftables generation: one small netlink round trip, outside the firewall's own lock. */
    @Override
    public OptionalLong generation() {
        synchronized (generationLock) {
            if (!generationTried) {
                generationTried = true;
                generation = openGeneration(ns);
            }
            return generation == null ? OptionalLong.empty() : OptionalLong.of(generation.current());
        }
    }

    @Override
    public String backend() {
        return "nftables";
    }

    @Override
    protected void program(FirewallState from, FirewallState to) {
        NftRuleset target = NftablesRenderer.ruleset(to);
        // the ruleset of the last whole-state change, unless ports changed since
        NftRuleset before = applied != null && from.equals(appliedState) ? applied : NftablesRenderer.ruleset(from);
        String script = NftablesRenderer.diff(before, target);
        if (!script.isEmpty()) {
            try {
                nft.run(script);
            } catch (Nft.NftException e) {
                replaceWhole(NftablesRenderer.full(target), script, e);
            }
        }
        remember(to, target);
    }

    @Override
    protected void programFull(FirewallState state) {
        NftRuleset ruleset = NftablesRenderer.ruleset(state);
        nft.run(NftablesRenderer.full(ruleset));
        remember(state, ruleset);
    }

    /** Only map and set elements change: their commands alone, whatever the number of ports already published. */
    @Override
    protected void programPorts(List<PortMapping> added, List<PortMapping> removed, Supplier<FirewallState> before,
            Supplier<FirewallState> after) {
        PortElementCounts.Change change = portElements.change(added, removed);
        if (change.script().isEmpty()) {
            portElements.commit(change);
            return;
        }
        try {
            nft.run(change.script());
            portElements.commit(change);
            applied = null;
        } catch (Nft.NftException e) {
            FirewallState state = after.get();
            NftRuleset ruleset = NftablesRenderer.ruleset(state);
            replaceWhole(NftablesRenderer.full(ruleset), change.script(), e);
            remember(state, ruleset);
        }
    }

    /** One service's elements change, and nothing else: the same few commands whatever the number of services. */
    @Override
    protected void programService(ServiceRules before, ServiceRules after, Supplier<FirewallState> from,
            Supplier<FirewallState> to) {
        String script = NftablesRenderer.serviceChange(before, after);
        if (!script.isEmpty()) {
            try {
                nft.run(script);
            } catch (Nft.NftException e) {
                FirewallState state = to.get();
                NftRuleset ruleset = NftablesRenderer.ruleset(state);
                replaceWhole(NftablesRenderer.full(ruleset), script, e);
                remember(state, ruleset);
                return;
            }
        }
        applied = null;
        Map<String, Integer> counts = new HashMap<>(serviceElements);
        count(counts, before, -1);
        count(counts, after, 1);
        serviceElements = counts;
    }

    private static void count(Map<String, Integer> counts, ServiceRules service, int sign) {
        if (service != null) {
            NftablesRenderer.service(service).elements().forEach((set, elems) -> counts.merge(set, sign * elems.size(), Integer::sum));
        }
    }

    private void replaceWhole(String full, String failed, Nft.NftException e) {
        if (full.equals(failed)) {
            throw e;
        }
        LOG.log(Level.WARNING, "incremental nftables change failed in " + ns + " (" + e.getMessage()
                + "): someone changed table " + NftablesRenderer.TABLE + "; replacing it whole");
        nft.run(full);
    }

    private void remember(FirewallState state, NftRuleset ruleset) {
        appliedState = state;
        applied = ruleset;
        ruleCounts = ruleset.ruleCounts();
        portElements = PortElementCounts.of(state.ports());
        Map<String, Integer> counts = new HashMap<>();
        state.services().forEach(svc -> count(counts, svc, 1));
        serviceElements = counts;
        Map<String, Integer> sizes = new HashMap<>();
        for (String set : NftablesRenderer.setNames()) {
            sizes.put(set, ruleset.elements(set).size() - portElements.size(set) - serviceElements(set));
        }
        networkElementCounts = sizes;
    }

    /**
     * Checks the table, its chains and sets and each chain's rule count from a terse listing of
     * the ruleset, which leaves set elements out, so its cost does not grow with them.
     * Elements are counted too, from a full listing, whose cost grows with them: every time while there are at most {@value #ELEMENTS_COUNTED_EVERY_TIME}, at most
     * every {@value #ELEMENT_CHECK_SECONDS} s above.
     */
    @Override
    protected Verification inspect(Supplier<FirewallState> expectedState) {
        // what is expected is known from the last change, without building the state
        if (ruleCounts.isEmpty()) {
            return Verification.INTACT;
        }
        KernelTable kernel = kernelTable();
        if (kernel == null) {
            return new Verification(List.of("table " + NftablesRenderer.TABLE + " is missing"));
        }
        Map<String, Integer> rules = kernel.rules();
        Set<String> sets = kernel.sets();
        List<String> problems = chainProblems(ruleCounts, rules);
        for (String set : NftablesRenderer.setNames()) {
            if (!sets.contains(set)) {
                problems.add("set " + set + " is missing");
            }
        }
        if (problems.isEmpty() && elementCheckDue()) {
            problems.addAll(countElements());
        }
        return new Verification(problems);
    }

    /**
     * Each port's DNAT map entry and backend element, looked up with {@code get element} (one
     * lookup per element, whatever the size of the maps), and the chains that consult the maps.
     */
    @Override
    protected Verification inspectPorts(List<PublishedPort> ports) {
        List<String> problems = new ArrayList<>();
        KernelTable kernel = kernelTable();
        if (kernel == null) {
            return new Verification(ports.stream().map(p -> "published port " + p.describe() + ": table "
                    + NftablesRenderer.TABLE + " is missing").toList());
        }
        problems.addAll(chainProblems(NftablesRenderer.portLookupChains(), kernel.rules()));
        for (PublishedPort p : ports) {
            for (NftablesRenderer.PortElement e : NftablesRenderer.portElements(p)) {
                if (!holds(e)) {
                    problems.add("published port " + p.describe() + ": element { " + e.element() + " } of " + e.set()
                            + " is missing");
                }
            }
        }
        return new Verification(problems);
    }

    /** Chains of {@code expected} missing from {@code found}, or holding another number of rules. */
    private static List<String> chainProblems(Map<String, Integer> expected, Map<String, Integer> found) {
        List<String> problems = new ArrayList<>();
        expected.forEach((chain, count) -> {
            Integer there = found.get(chain);
            if (there == null) {
                problems.add("chain " + chain + " is missing");
            } else if (there.intValue() != count.intValue()) {
                problems.add("chain " + chain + " has " + there + " rules instead of " + count);
            }
        });
        return problems;
    }

    private boolean holds(NftablesRenderer.PortElement e) {
        try {
            String listing = nft.run("get element " + NftablesRenderer.TABLE + " " + e.set() + " { " + e.element().key() + " }");
            return listing.contains("elements = { " + e.element() + " }");
        } catch (Nft.NftException notThere) {
            return false;
        }
    }

    /** netmgr's table as the kernel has it, without elements: rules per chain and the sets; null when the table is gone. */
    private KernelTable kernelTable() {
        Map<String, Integer> rules = new HashMap<>();
        Set<String> sets = new HashSet<>();
        boolean table = false;
        for (JsonNode item : items(nft.jsonTerse("list ruleset"))) {
            JsonNode body = item.has("chain") ? item.get("chain") : item.has("rule") ? item.get("rule")
                    : item.has("set") ? item.get("set") : item.has("map") ? item.get("map") : item.get("table");
            if (body == null || !"inet".equals(body.path("family").asText())
                    || !"netmgr".equals(body.path(item.has("table") ? "name" : "table").asText())) {
                continue;
            }
            if (item.has("table")) {
                table = true;
            } else if (item.has("chain")) {
                rules.putIfAbsent(body.path("name").asText(), 0);
            } else if (item.has("rule")) {
                rules.merge(body.path("chain").asText(), 1, Integer::sum);
            } else {
                sets.add(body.path("name").asText());
            }
        }
        return table ? new KernelTable(rules, sets) : null;
    }

    private record KernelTable(Map<String, Integer> rules, Set<String> sets) {
    }

    private boolean elementCheckDue() {
        int expected = 0;
        for (String set : NftablesRenderer.setNames()) {
            expected += networkElementCounts.getOrDefault(set, 0) + portElements.size(set) + serviceElements(set);
        }
        long now = System.nanoTime();
        if (expected > ELEMENTS_COUNTED_EVERY_TIME && now - lastElementCheck < ELEMENT_CHECK_SECONDS * 1_000_000_000L) {
            return false;
        }
        lastElementCheck = now;
        return true;
    }

    private List<String> countElements() {
        Map<String, Integer> elements = new HashMap<>();
        for (JsonNode item : items(nft.json("list table " + NftablesRenderer.TABLE))) {
            if (item.has("set") || item.has("map")) {
                JsonNode set = item.has("set") ? item.get("set") : item.get("map");
                elements.put(set.path("name").asText(), set.path("elem").size());
            }
        }
        List<String> problems = new ArrayList<>();
        for (String set : NftablesRenderer.setNames()) {
            int count = networkElementCounts.getOrDefault(set, 0) + portElements.size(set) + serviceElements(set);
            int found = elements.getOrDefault(set, 0);
            if (found != count) {
                problems.add("set " + set + " has " + found + " elements instead of " + count);
            }
        }
        return problems;
    }

    private int serviceElements(String set) {
        return serviceElements.getOrDefault(set, 0);
    }

    private static JsonNode items(String listing) {
        try {
            return JSON.readTree(listing).path("nftables");
        } catch (IOException e) {
            throw new UncheckedIOException("unparsable nft listing", e);
        }
    }

    @Override
    public void close() {
        synchronized (generationLock) {
            if (generation != null) {
                generation.close();
            }
            generationTried = true; // closed: never opened after
        }
        nft.close();
    }
}
