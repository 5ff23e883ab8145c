package io.netmgr.cni;

import io.netmgr.cni.daemon.CniWire;
import io.netmgr.cni.daemon.DaemonClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The netmgr-cni process. Kept to JDK classes on the path to the daemon: when netmgrd listens,
 * the request is handed over and nothing else (JNR, LMDB, the controller) is ever loaded;
 * otherwise the same {@link CniHandler} runs in this process.
 */
public final class CniMain {
    private CniMain() {
    }

    public static void main(String[] args) throws IOException {
        CniResponse response;
        try {
            CniRequest request = CniRequest.fromEnvironment(System.getenv(), CniWire.configuration(System.in.readAllBytes()));
            response = DaemonClient.forward(request).orElseGet(() -> InProcess.handle(request));
        } catch (CniError e) {
            response = CniResponse.failed(e, CniVersion.LATEST);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        out.print(response.stdout());
        out.flush();
        System.exit(response.exitCode());
    }

    /** In its own class so that the classes behind it load only when the daemon is not used. */
    static final class InProcess {
        private InProcess() {
        }

        static CniResponse handle(CniRequest request) {
            return new CniHandler(NetmgrAccess.perCall()).handle(request);
        }
    }
}
