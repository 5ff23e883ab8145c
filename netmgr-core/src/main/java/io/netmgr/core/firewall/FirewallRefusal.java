package io.netmgr.core.firewall;

import io.netmgr.core.NetmgrException;

/** Firewall refusals become netmgr's own, so front ends map one exception type. */
public final class FirewallRefusal {
    private FirewallRefusal() {
    }

    /** Runs {@code change}; a taken port becomes a conflict, a bad request invalid, a backend failure stays one. */
    public static void translate(Runnable change) {
        try {
            change.run();
        } catch (FirewallException e) {
            switch (e.reason()) {
                case PORT_ALREADY_PUBLISHED:
                    throw new NetmgrException(NetmgrException.Kind.CONFLICT, e.getMessage(), e);
                case BACKEND_FAILED:
                    throw e;
                default:
                    throw new NetmgrException(NetmgrException.Kind.INVALID, e.getMessage(), e);
            }
        }
    }
}
