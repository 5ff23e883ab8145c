package io.netmgr.core.controller;

import io.netmgr.core.firewall.PublishMode;
import io.netmgr.core.firewall.ServicePort;
import io.netmgr.core.service.ServiceSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.endpoint.EndpointConfig;
import io.netmgr.core.fake.Faults.InjectedFault;
import io.netmgr.core.network.NetworkConfig;
import io.netmgr.core.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * Every mutation of the controller, failed at each of its steps in turn (each driver call,
 * firewall change, IPAM grant or release, store commit, namespace change): the call fails with
 * that very failure, no undo step fails, the store, IPAM, drivers, firewall and namespaces are
 * exactly as before, no namespace handle stays open, and the same call then succeeds (nothing
 * left in its way). The steps are found by running the call once without a failure, so a step
 * added to the controller is covered without touching this test.
 */
class ControllerRollbackTest {

    /** Each scenario sets a world up and returns the call under test. */
    private static final Map<String, Function<ControllerWorld, Runnable>> CALLS = new LinkedHashMap<>();

    static {
        CALLS.put("createNetwork", w -> () -> w.controller().createNetwork(NetworkConfig.of("n", "fake").withIpv6(true)));
        CALLS.put("createEndpoint", w -> {
            dualStack(w, "n");
            return () -> w.controller().createEndpoint("n", EndpointConfig.named("e").withPorts("8080:80"));
        });
        CALLS.put("join", w -> {
            dualStack(w, "n");
            Endpoint e = w.controller().createEndpoint("n", EndpointConfig.named("e").withPorts("8080:80"));
            Sandbox s = w.controller().createSandbox("s");
            return () -> w.controller().join(e.id(), s.id());
        });
        CALLS.put("createService", w -> {
            dualStack(w, "n");
            return () -> w.controller().services().create(ServiceSpec.of("svc", "n")
                    .withPorts(ServicePort.parse("9090:80", PublishMode.INGRESS)));
        });
        CALLS.put("service attach", w -> {
            joined(w, "n", "e", "s");
            w.controller().services().create(ServiceSpec.of("svc", "n"));
            return () -> w.controller().services().attach("svc", "s");
        });
        CALLS.put("service detach", w -> {
            joined(w, "n", "e", "s");
            w.controller().services().create(ServiceSpec.of("svc", "n"));
            w.controller().services().attach("svc", "s");
            return () -> w.controller().services().detach("svc", "s");
        });
        CALLS.put("service publish", w -> {
            dualStack(w, "n");
            w.controller().services().create(ServiceSpec.of("svc", "n"));
            return () -> w.controller().services().publish("svc", ServicePort.parse("mode=host,9090:80/udp", PublishMode.INGRESS));
        });
        CALLS.put("service unpublish", w -> {
            dualStack(w, "n");
            w.controller().services().create(ServiceSpec.of("svc", "n").withPorts(ServicePort.parse("9090:80", PublishMode.INGRESS)));
            return () -> w.controller().services().unpublish("svc", ServicePort.parseKey("9090"));
        });
        CALLS.put("removeService", w -> {
            joined(w, "n", "e", "s");
            w.controller().services().create(ServiceSpec.of("svc", "n").withPorts(ServicePort.parse("9090:80", PublishMode.INGRESS)));
            w.controller().services().attach("svc", "s");
            return () -> w.controller().services().remove("svc");
        });
        CALLS.put("leave", w -> {
            Endpoint e = joined(w, "n", "e", "s");
            return () -> w.controller().leave(e.id());
        });
        CALLS.put("join, global network", w -> {
            Endpoint e = besideASandboxOnAGlobalNetwork(w);
            return () -> w.controller().join(e.id(), "s");
        });
        CALLS.put("leave, global network", w -> {
            Endpoint e = besideASandboxOnAGlobalNetwork(w);
            w.controller().join(e.id(), "s");
            return () -> w.controller().leave(e.id());
        });
        CALLS.put("deleteEndpoint, joined", w -> {
            Endpoint e = joined(w, "n", "e", "s");
            return () -> w.controller().deleteEndpoint(e.id());
        });
        CALLS.put("deleteEndpoint, not joined", w -> {
            dualStack(w, "n");
            Endpoint e = w.controller().createEndpoint("n", EndpointConfig.named("e"));
            return () -> w.controller().deleteEndpoint(e.id());
        });
        CALLS.put("deleteNetwork", w -> {
            dualStack(w, "n");
            return () -> w.controller().deleteNetwork("n");
        });
        CALLS.put("createNetwork, global", w -> () -> w.controller().createNetwork(NetworkConfig.of("g", "global")));
        CALLS.put("createEndpoint, global network", w -> {
            w.controller().createNetwork(NetworkConfig.of("g", "global"));
            return () -> w.controller().createEndpoint("g", EndpointConfig.named("e"));
        });
        CALLS.put("deleteNetwork, global", w -> {
            w.controller().createNetwork(NetworkConfig.of("g", "global"));
            return () -> w.controller().deleteNetwork("g");
        });
        CALLS.put("deleteSandbox, on a global and a local network", w -> {
            joined(w, "n", "e1", "s");
            Endpoint onGlobal = onAGlobalNetwork(w, "e2");
            w.controller().join(onGlobal.id(), "s");
            return () -> w.controller().deleteSandbox("s");
        });
        CALLS.put("createSandbox", w -> () -> w.controller().createSandbox("s"));
        CALLS.put("adoptSandbox", w -> {
            Path runtimes = w.kernel.runtimeNamespace("c1");
            return () -> w.controller().adoptSandbox("s", runtimes);
        });
        CALLS.put("shareSandbox", w -> {
            w.controller().createSandbox("s");
            return () -> w.controller().shareSandbox("s");
        });
        CALLS.put("deleteSandbox, shared", w -> {
            joined(w, "n", "e", "s");
            w.controller().shareSandbox("s");
            return () -> w.controller().deleteSandbox("s");
        });
        CALLS.put("deleteSandbox, two endpoints joined", w -> {
            joined(w, "n1", "e1", "s");
            dualStack(w, "n2");
            Endpoint second = w.controller().createEndpoint("n2", EndpointConfig.named("e2").withPorts("8081:80"));
            w.controller().join(second.id(), "s");
            return () -> w.controller().deleteSandbox("s");
        });
        CALLS.put("deleteSandbox, adopted", w -> {
            dualStack(w, "n");
            Endpoint e = w.controller().createEndpoint("n", EndpointConfig.named("e").withPorts("8080:80"));
            w.controller().adoptSandbox("s", w.kernel.runtimeNamespace("c1"));
            w.controller().join(e.id(), "s");
            return () -> w.controller().deleteSandbox("s");
        });
    }

    @TestFactory
    Stream<DynamicNode> aFailureAtAnyStepChangesNothing() {
        return CALLS.entrySet().stream().map(call -> dynamicContainer(call.getKey(), stepsOf(call.getValue())));
    }

    private static Stream<DynamicNode> stepsOf(Function<ControllerWorld, Runnable> scenario) {
        List<String> steps;
        try (ControllerWorld w = new ControllerWorld()) {
            w.controller(); // started, with its predefined networks, before the scenario
            Runnable call = scenario.apply(w);
            ControllerWorld.State before = w.state();
            w.faults.reset();
            call.run();
            steps = w.faults.steps();
            assertThat(w.state()).as("what the call changed").isNotEqualTo(before);
        }
        return IntStream.rangeClosed(1, steps.size()).mapToObj(k -> dynamicTest("step " + k + " fails: " + steps.get(k - 1),
                () -> failAt(scenario, k, steps.get(k - 1))));
    }

    private static void failAt(Function<ControllerWorld, Runnable> scenario, int k, String step) {
        try (ControllerWorld w = new ControllerWorld()) {
            w.controller(); // started, with its predefined networks, before the scenario
            Runnable call = scenario.apply(w);
            ControllerWorld.State before = w.state();
            w.faults.failAt(k);
            Throwable thrown = catchThrowable(call::run);
            assertThat(thrown).isInstanceOf(InjectedFault.class);
            assertThat(kindOf(((InjectedFault) thrown).step())).isEqualTo(kindOf(step)); // ids and order of endpoints vary
            assertThat(thrown.getSuppressed()).as("undo steps that failed").isEmpty();
            assertThat(w.state()).isEqualTo(before);
            assertThat(w.kernel.openHandles()).as("namespace handles left open").isZero();
            w.faults.reset();
            call.run(); // nothing half-made is left in its way
        }
    }

    /** "driver leave" of "driver leave e1". */
    private static String kindOf(String step) {
        String[] words = step.split(" ");
        return words[0] + " " + words[1];
    }

    /** Endpoint e on network g of the global driver (announced to other hosts once joined), and sandbox s. */
    private static Endpoint besideASandboxOnAGlobalNetwork(ControllerWorld w) {
        w.controller().createSandbox("s");
        return onAGlobalNetwork(w, "e");
    }

    /** Endpoint {@code name} on a new network g of the global driver. */
    private static Endpoint onAGlobalNetwork(ControllerWorld w, String name) {
        w.controller().createNetwork(NetworkConfig.of("g", "global"));
        return w.controller().createEndpoint("g", EndpointConfig.named(name));
    }

    private static void dualStack(ControllerWorld w, String name) {
        w.controller().createNetwork(NetworkConfig.of(name, "fake").withIpv6(true));
    }

    /** An endpoint publishing a port on dual-stack network {@code network}, joined to a new sandbox. */
    private static Endpoint joined(ControllerWorld w, String network, String endpoint, String sandbox) {
        dualStack(w, network);
        Endpoint e = w.controller().createEndpoint(network, EndpointConfig.named(endpoint).withPorts("8080:80"));
        Sandbox s = w.controller().createSandbox(sandbox);
        return w.controller().join(e.id(), s.id());
    }
}
