package io.netmgr.drivers.none;

import io.netmgr.core.driver.PassiveDriver;

/** No networking: the sandbox keeps only its loopback, which netmgr brought up when it made it. */
public final class NoneDriver extends PassiveDriver {

    @Override
    public String name() {
        return "none";
    }
}
