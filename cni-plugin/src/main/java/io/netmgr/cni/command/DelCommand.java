package io.netmgr.cni.command;

import io.netmgr.cni.config.NetConf;
import io.netmgr.core.controller.NetworkController;

/**
 * DEL: takes the attachment's endpoint out of the services it backs, removes it (its link, addresses and rules) and forgets the
 * container's sandbox when it was the last attachment. Succeeds when there is nothing to
 * remove (a second DEL, an unknown network) and when the netns is already gone.
 */
public final class DelCommand {
    private DelCommand() {
    }

    public static void run(NetworkController c, NetConf conf, Attachment a) {
        NetworkDefinition.find(c, conf.name()).flatMap(n -> Attachments.endpoint(c, n, a)).ifPresent(e -> {
            c.services().forgetEndpoint(e.id()); // out of every service it backs, before it goes
            Attachments.remove(c, e);
        });
        // an ADD that died between adopting the sandbox and creating the endpoint left only the sandbox
        Attachments.forgetSandboxIfUnused(c, a.sandboxName());
    }
}
