package io.netmgr.cni;

import io.netmgr.cni.daemon.CniWire;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The plugin's in-process path: {@code bin/netmgr-cni} (a C program) hands every call it can to
 * netmgrd and starts this JVM only when no daemon runs the call (none listens, the configuration's
 * {@code "daemonSocket": ""}, or the daemon refused it by HTTP status); the same
 * {@link CniHandler} then runs here, on the same store.
 */
public final class CniMain {
    private CniMain() {
    }

    public static void main(String[] args) throws IOException {
        CniResponse response;
        try {
            CniRequest request = CniRequest.fromEnvironment(System.getenv(), CniWire.configuration(System.in.readAllBytes()));
            response = new CniHandler(NetmgrAccess.perCall()).handle(request);
        } catch (CniError e) {
            response = CniResponse.failed(e, CniVersion.LATEST);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        out.print(response.stdout());
        out.flush();
        System.exit(response.exitCode());
    }
}
