package io.netmgr.nat.ipt;

import io.netmgr.core.firewall.FirewallState;
import io.netmgr.core.firewall.ServiceRules;
import io.netmgr.core.firewall.Verification;
import io.netmgr.nat.PublishedPort;
import io.netmgr.nat.TransactionalFirewall;
import io.netmgr.netlink.addr.IpAddress;
import io.netmgr.netlink.addr.IpFamily;
import io.netmgr.netlink.ns.NetNs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The iptables firewall: one {@code iptables-restore --noflush} per family, each committed by the
 * kernel as one transaction; when IPv6 fails after IPv4 went in, IPv4 is put back as it was.
 * The tools run in the host namespace through {@code nsenter --net}, since a child process
 * cannot inherit the namespace of one JVM thread.
 */
public final class IptablesBackend extends TransactionalFirewall {
    private static final System.Logger LOG = System.getLogger(IptablesBackend.class.getName());
    private static final List<IpFamily> FAMILIES = List.of(IpFamily.V4, IpFamily.V6);

    public IptablesBackend(NetNs ns, Supplier<Set<IpAddress>> hostAddresses) {
        super(ns, hostAddresses);
    }

    @Override
    public String backend() {
        return "iptables";
    }

    @Override
    protected void program(FirewallState from, FirewallState to) {
        List<IpFamily> done = new ArrayList<>();
        try {
            for (IpFamily family : FAMILIES) {
                restore(family, IptablesRenderer.render(to, family, save(family)));
                done.add(family);
            }
        } catch (RuntimeException e) {
            for (IpFamily family : done) {
                try {
                    restore(family, IptablesRenderer.render(from, family, save(family)));
                } catch (RuntimeException rollback) {
                    LOG.log(Level.ERROR, "could not put back " + family + " rules after a failed change: "
                            + rollback.getMessage());
                    e.addSuppressed(rollback);
                }
            }
            throw e;
        }
    }

    /**
     * One service's two chains flushed and refilled (and its jumps added or deleted) in one IPv4
     * restore, other services' chains untouched; when that fails (netmgr's chains gone behind its
     * back, say), the whole state is written instead.
     */
    @Override
    protected void programService(ServiceRules before, ServiceRules after, Supplier<FirewallState> from,
            Supplier<FirewallState> to) {
        try {
            restore(IpFamily.V4, IptablesServices.change(before, after));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "service change failed (" + e.getMessage() + "); rewriting netmgr's chains whole");
            program(from.get(), to.get());
        }
    }

    @Override
    protected void programFull(FirewallState state) {
        // every apply already rewrites netmgr's chains whole from what iptables-save shows
        program(state, state);
    }

    @Override
    protected Verification inspect(Supplier<FirewallState> expectedState) {
        FirewallState expected = expectedState.get();
        List<String> problems = new ArrayList<>();
        for (IpFamily family : FAMILIES) {
            FirewallState s = IptablesRenderer.forFamily(expected, family);
            if (s.isEmpty()) {
                continue;
            }
            String tool = family == IpFamily.V4 ? "iptables" : "ip6tables";
            IptablesSnapshot saved = save(family);
            Map<String, List<String>> rules = IptablesRenderer.rules(s, family);
            for (Map.Entry<String, List<String>> table : IptablesRenderer.chains(family).entrySet()) {
                for (String chain : table.getValue()) {
                    checkChain(problems, tool, saved, table.getKey(), chain, rules.get(chain).size());
                }
            }
            for (ServiceRules svc : s.services()) {
                checkChain(problems, tool, saved, "nat", IptablesServices.chain(svc), IptablesServices.natRules(svc).size());
                checkChain(problems, tool, saved, "filter", IptablesServices.chain(svc), IptablesServices.filterRules(svc).size());
            }
            if (!saved.hasChain("filter", IptablesRenderer.USER)) {
                problems.add(tool + " chain filter/" + IptablesRenderer.USER + " is missing");
            }
            for (IptablesRenderer.Jump jump : IptablesRenderer.jumps(family)) {
                if (!saved.hasRule(jump.table(), jump.rule())) {
                    problems.add(tool + " jump '" + jump.rule() + "' in table " + jump.table() + " is missing");
                }
            }
        }
        return new Verification(problems);
    }

    private static void checkChain(List<String> problems, String tool, IptablesSnapshot saved, String table, String chain, int want) {
        if (!saved.hasChain(table, chain)) {
            problems.add(tool + " chain " + table + "/" + chain + " is missing");
            return;
        }
        long found = saved.ruleCount(table, chain);
        if (found != want) {
            problems.add(tool + " chain " + table + "/" + chain + " has " + found + " rules instead of " + want);
        }
    }

    @Override
    protected Verification inspectPorts(List<PublishedPort> ports) {
        List<String> problems = new ArrayList<>();
        for (IpFamily family : FAMILIES) {
            List<PublishedPort> ofFamily = ports.stream().filter(p -> p.family() == family).toList();
            if (ofFamily.isEmpty()) {
                continue;
            }
            String tool = family == IpFamily.V4 ? "iptables" : "ip6tables";
            IptablesSnapshot saved = save(family);
            for (IptablesRenderer.Jump jump : IptablesRenderer.jumps(family)) {
                if (!jump.target().equals(IptablesRenderer.USER) && !saved.hasRule(jump.table(), jump.rule())) {
                    problems.add(tool + " jump '" + jump.rule() + "' in table " + jump.table() + " is missing");
                }
            }
            for (PublishedPort p : ofFamily) {
                String dnat = "-A " + IptablesRenderer.DNAT + " " + IptablesRenderer.dnatRule(p);
                String accept = "-A " + IptablesRenderer.PUBLISHED + " " + IptablesRenderer.acceptRule(p);
                if (!saved.hasRule("nat", dnat)) {
                    problems.add("published port " + p.describe() + ": " + tool + " rule '" + dnat + "' is missing");
                }
                if (!saved.hasRule("filter", accept)) {
                    problems.add("published port " + p.describe() + ": " + tool + " rule '" + accept + "' is missing");
                }
            }
        }
        return new Verification(problems);
    }

    @Override
    public void close() {
        // nothing held between calls
    }

    private IptablesSnapshot save(IpFamily family) {
        return IptablesSnapshot.parse(exec(List.of(family == IpFamily.V4 ? "iptables-save" : "ip6tables-save"), null));
    }

    private void restore(IpFamily family, String script) {
        if (script.isEmpty()) {
            return;
        }
        exec(List.of(family == IpFamily.V4 ? "iptables-restore" : "ip6tables-restore", "--noflush", "-w"), script);
    }

    private String exec(List<String> tool, String input) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path()));
        cmd.addAll(tool);
        try {
            Process p = new ProcessBuilder(cmd).start();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            try (OutputStream stdin = p.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", tool) + " in " + ns + " did not finish in 30 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", tool) + " in " + ns + " failed (exit " + p.exitValue()
                        + "): " + err.join().strip());
            }
            return out.join();
        } catch (IOException e) {
            throw new UncheckedIOException("run " + String.join(" ", cmd) + " (is iptables installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", tool), e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
