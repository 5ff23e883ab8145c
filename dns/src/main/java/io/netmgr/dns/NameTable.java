package io.netmgr.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One immutable view of the names containers may resolve: per user-defined network, each name
 * (sandbox names, endpoint aliases) with its addresses on that network; per sandbox, the
 * user-defined networks it is joined to. A name is visible to an asker only through a network
 * both are on, which is the whole of the scoping rule.
 */
public final class NameTable {
    /** No sandbox, no name. */
    public static final NameTable EMPTY = new NameTable(Map.of(), Map.of(), Map.of());

    private final Map<String, Map<String, List<InetAddress>>> namesByNetwork;
    private final Map<String, Set<String>> networksBySandbox;
    private final Map<String, ServedSandbox> served;

    /**
     * @param namesByNetwork    network id to lower-case name to addresses, in the order endpoints joined
     * @param networksBySandbox sandbox id to the ids of the user-defined networks it is joined to
     * @param served            the sandboxes that get a resolver, by id
     */
    public NameTable(Map<String, Map<String, List<InetAddress>>> namesByNetwork, Map<String, Set<String>> networksBySandbox,
                     Map<String, ServedSandbox> served) {
        this.namesByNetwork = Map.copyOf(namesByNetwork);
        this.networksBySandbox = Map.copyOf(networksBySandbox);
        this.served = Map.copyOf(served);
    }

    /**
     * The addresses {@code name} has on the networks sandbox {@code askerId} shares with it, or
     * nothing when no such network knows the name. An empty list is a name without address (a
     * service with no backend yet): it exists, so the answer is empty rather than NXDOMAIN.
     */
    public Optional<List<InetAddress>> lookup(String askerId, String name) {
        Set<String> networks = networksBySandbox.get(askerId);
        if (networks == null) {
            return Optional.empty();
        }
        String key = normalize(name);
        List<InetAddress> found = null;
        for (String network : networks) {
            List<InetAddress> addresses = namesByNetwork.getOrDefault(network, Map.of()).get(key);
            if (addresses != null) {
                if (found == null) {
                    found = addresses;
                } else { // the same name on two shared networks: every address, once
                    Set<InetAddress> union = new LinkedHashSet<>(found);
                    union.addAll(addresses);
                    found = new ArrayList<>(union);
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /** The sandboxes that get a resolver: those joined to at least one user-defined network. */
    public Map<String, ServedSandbox> served() {
        return served;
    }

    /** DNS names compare without case and without the root's trailing dot. */
    public static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
