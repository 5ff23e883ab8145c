package io.netmgr.daemon.plugin;

import io.netmgr.core.controller.NetworkController;
import io.netmgr.core.controller.NetworkFilter;
import io.netmgr.core.endpoint.Endpoint;
import io.netmgr.core.network.Network;
import io.netmgr.daemon.DaemonOperations;
import java.util.ArrayList;
import java.util.List;

/**
 * dockerd's endpoints that no container holds when netmgrd starts, removed before the plugin
 * serves. dockerd creates an endpoint and joins it in one breath (and leaves and deletes it in
 * one), so one found unjoined at start is what a netmgrd killed between the two calls left, or
 * one whose container's namespace vanished while netmgrd was down (the reconciler has made it
 * leave): dockerd gave up on it (it removes its own record even when the plugin does not
 * answer) and will never delete it, so its addresses and host ports would be held forever.
 */
final class StaleEndpoints {
    private StaleEndpoints() {
    }

    /** Removes them; returns one line per endpoint removed, for the log. */
    static List<String> remove(NetworkController controller, DaemonOperations ops) {
        List<String> done = new ArrayList<>();
        for (Network n : controller.networks(NetworkFilter.ALL)) {
            if (!n.labels().containsKey(DockerNames.NETWORK_ID_LABEL)) {
                continue;
            }
            for (Endpoint e : controller.endpointsOn(n.id())) {
                if (e.sandboxId() == null) {
                    ops.deleteEndpoint(e.id());
                    done.add("removed endpoint " + e.name() + " of docker network " + n.name()
                            + ": no container holds it (dockerd gave it up while netmgrd was down)");
                }
            }
        }
        return done;
    }
}
