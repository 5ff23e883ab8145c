package io.netmgr.cli;

import io.netmgr.client.DaemonClient;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to netmgrd: finds it through {@code -H}, {@code NETMGR_HOST} or the default socket. */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    DaemonClient daemon() {
        NetmgrCli root = (NetmgrCli) spec.root().userObject();
        return DaemonClient.connect(root.host, System.getenv());
    }

    PrintStream out() {
        return System.out; // read at each call: tests swap it
    }
}
