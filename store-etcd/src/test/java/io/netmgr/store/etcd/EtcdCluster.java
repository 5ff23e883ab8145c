package io.netmgr.store.etcd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd cluster for tests ({@link LocalEtcd}): register it once per test class
 * ({@code @RegisterExtension static final EtcdCluster etcd = EtcdCluster.members(3);}) or use it as
 * an {@link AutoCloseable}. Not root, or no etcd installed: the tests are skipped with the reason.
 */
public final class EtcdCluster extends LocalEtcd implements BeforeAllCallback, AfterAllCallback {

    private EtcdCluster(List<String> addresses, boolean tls) {
        super(addresses, tls);
    }

    /** The same members serving clients over TLS only, with client certificates required. */
    @Override
    public EtcdCluster withTls() {
        return new EtcdCluster(addresses(), true);
    }

    /** {@code count} members on 127.0.0.1. */
    public static EtcdCluster members(int count) {
        return on(IntStream.range(0, count).mapToObj(i -> "127.0.0.1").toList());
    }

    /** One member on each of {@code addresses} (the same address may repeat: ports differ). */
    public static EtcdCluster on(List<String> addresses) {
        return new EtcdCluster(addresses, false);
    }

    /** Why etcd tests cannot run here, if they cannot: empty when they can. */
    public static String unusableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the etcd tests run as root (like every integration test); run them as root";
        }
        String missing = missingReason();
        return missing.isEmpty() ? "" : missing.replace("(scripts/setup.sh)", "(scripts/setup.sh --tests)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        String reason = unusableReason();
        assumeTrue(reason.isEmpty(), reason);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
