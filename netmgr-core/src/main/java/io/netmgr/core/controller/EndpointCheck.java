package io.netmgr.core.controller;

import io.netmgr.core.driver.HostContext;
import io.netmgr.core.driver.NetworkDriver;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.kernel.SandboxNamespace;
import io.netmgr.core.kernel.SandboxNamespaces;
import io.netmgr.core.kernel.SandboxRoutes;
import io.netmgr.core.network.Network;
import io.netmgr.core.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Compares a joined endpoint with the kernel: every difference, one line each (CNI's CHECK reports them). */
final class EndpointCheck {
    private final HostContext host;
    private final SandboxNamespaces namespaces;
    private final NetworkDriver driver;

    EndpointCheck(HostContext host, SandboxNamespaces namespaces, NetworkDriver driver) {
        this.host = host;
        this.namespaces = namespaces;
        this.driver = driver;
    }

    List<String> run(Network network, Endpoint e, Sandbox sandbox) {
        Optional<SandboxNamespace> entered = namespaces.openIfAlive(sandbox.path());
        if (entered.isEmpty()) {
            return List.of("netns " + sandbox.path() + " cannot be entered");
        }
        try (SandboxNamespace ns = entered.get()) {
            List<String> drift = new ArrayList<>(ns.drift(e, SandboxRoutes.of(network, e, driver.gateways(network), List.of())));
            drift.addAll(driver.verify(host, network, e, ns.handle()));
            return drift;
        }
    }
}
