package io.netmgr.nat.nft;

import io.netmgr.netlink.ns.NetNs;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * A libnftables context bound to one network namespace. The library opens its netlink socket
 * on the thread that creates the context, so the context is made, used and freed only inside
 * the namespace ({@link NetNs#call}: its own thread, or a caller already there); calls are
 * serialized by this object's lock, whichever thread makes them.
 */
public final class Nft implements AutoCloseable {
    private static final String[] LOCATIONS = {
        "/usr/lib/x86_64-linux-gnu/libnftables.so.1", "/usr/lib/aarch64-linux-gnu/libnftables.so.1",
        "/usr/lib64/libnftables.so.1", "/usr/lib/libnftables.so.1"};

    private static volatile LibNftables lib;

    private final NetNs ns;
    private final Pointer ctx;
    private volatile boolean closed;

    private Nft(NetNs ns, Pointer ctx) {
        this.ns = ns;
        this.ctx = ctx;
    }

    /** A context inside {@code ns}. */
    public static Nft open(NetNs ns) {
        LibNftables l = library();
        Pointer ctx = ns.call(() -> {
            Pointer c = l.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT);
            if (c == null) {
                throw new NftException("nft_ctx_new failed: out of memory?");
            }
            l.nft_ctx_buffer_output(c);
            l.nft_ctx_buffer_error(c);
            return c;
        });
        return new Nft(ns, ctx);
    }

    /** True when libnftables can be loaded on this machine. */
    public static boolean available() {
        try {
            library();
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Runs {@code script} as one transaction; returns nft's output, or throws with its error text. */
    public String run(String script) {
        return call(script, 0);
    }

    /** Runs a listing command and returns its JSON output. */
    public String json(String command) {
        return call(command, LibNftables.NFT_CTX_OUTPUT_JSON);
    }

    /** Runs a listing command and returns its JSON output without set elements, which is much cheaper for big sets. */
    public String jsonTerse(String command) {
        return call(command, LibNftables.NFT_CTX_OUTPUT_JSON | LibNftables.NFT_CTX_OUTPUT_TERSE);
    }

    private synchronized String call(String script, int outputFlags) {
        if (closed) {
            throw new IllegalStateException("nft context of " + ns + " is closed");
        }
        LibNftables l = library();
        return ns.call(() -> {
            int mine = LibNftables.NFT_CTX_OUTPUT_JSON | LibNftables.NFT_CTX_OUTPUT_TERSE;
            l.nft_ctx_output_set_flags(ctx, (l.nft_ctx_output_get_flags(ctx) & ~mine) | outputFlags);
            int rc = l.nft_run_cmd_from_buffer(ctx, script);
            String out = l.nft_ctx_get_output_buffer(ctx);
            String err = l.nft_ctx_get_error_buffer(ctx);
            if (rc != 0) {
                throw new NftException(err == null || err.isBlank() ? "nft failed with code " + rc : err.strip());
            }
            return out == null ? "" : out;
        });
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ns.run(() -> library().nft_ctx_free(ctx));
    }

    private static LibNftables library() {
        LibNftables l = lib;
        if (l == null) {
            synchronized (Nft.class) {
                if (lib == null) {
                    lib = load();
                }
                l = lib;
            }
        }
        return l;
    }

    private static LibNftables load() {
        // Debian ships only the versioned name (the unversioned .so is in -dev): try it by path first
        for (String location : LOCATIONS) {
            if (Files.exists(Path.of(location))) {
                return LibraryLoader.create(LibNftables.class).failImmediately().load(location);
            }
        }
        try {
            return LibraryLoader.create(LibNftables.class).failImmediately().load("nftables");
        } catch (UnsatisfiedLinkError e) {
            throw new NftException("libnftables not found (looked for libnftables.so.1 in /usr/lib*): install"
                    + " Debian's libnftables1 or nftables, or choose the iptables backend");
        }
    }

    /** nft refused a script; the message is nft's own, naming the line and the reason. */
    public static final class NftException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NftException(String message) {
            super(message);
        }
    }
}
