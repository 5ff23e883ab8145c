package io.netmgr.core.sandbox;

import java.util.List;

/**
 * An endpoint netmgr took off a sandbox on its own, not at the user's request: its host came
 * back to the cluster after its lease expired and found the endpoint's address or name taken by
 * another host meanwhile (no address has two live holders). Kept on the sandbox, so that
 * {@code sandbox inspect} says why the container lost that network, until it is connected to
 * the network again or removed.
 *
 * @param sandboxId the sandbox it was joined to, null when it was not joined
 * @param state     always {@value #WITHDRAWN}
 * @param reason    what was taken, by whom, and what to do
 * @param time      when, ISO-8601 UTC
 */
public record Withdrawal(String endpointId, String endpoint, String networkId, String network, String sandboxId,
                         List<String> addresses, String state, String reason, String time) {
    public static final String WITHDRAWN = "withdrawn";

    public Withdrawal {
        addresses = List.copyOf(addresses);
    }
}
