package io.netmgr.cni;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The cross-process lock on {@code <stateDir>/lock}, held around each CNI command's work.
 * The controller serializes the threads of one process only; plugin processes started side by
 * side by a runtime (and the daemon) must not mutate, or reconcile, at the same time: a
 * reconcile would take another process's half-made veth for a leftover.
 */
final class StateDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Waits for the lock of {@code stateDir}, creating the directory if needed. */
    static StateDirLock acquire(Path stateDir) {
        FileChannel ch = null;
        try {
            Files.createDirectories(stateDir);
            ch = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new StateDirLock(ch, ch.lock());
        } catch (IOException e) {
            closeQuietly(ch);
            throw new CniError(CniError.IO_FAILURE, "cannot lock the netmgr state directory " + stateDir + ": " + e,
                    "set stateDir in the network configuration or NETMGR_STATE_DIR to a writable directory");
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
