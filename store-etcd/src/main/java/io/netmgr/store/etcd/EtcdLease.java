package io.netmgr.store.etcd;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.netmgr.core.store.Lease;
import io.netmgr.core.store.StoreException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An etcd lease this store keeps alive: one keep-alive every third of the TTL, so two may be
 * lost in a row before etcd expires it. When etcd answers that the lease is gone (the host was
 * cut off for longer than the TTL), the lease is lost and its holder told.
 */
final class EtcdLease implements Lease {

    private static final System.Logger LOG = System.getLogger(EtcdLease.class.getName());

    private enum State { ALIVE, STOPPED, LOST, REVOKED }

    private final EtcdStore store;
    private final long id;
    private final Duration ttl;
    private final Runnable onLost;
    private volatile State state = State.ALIVE;
    private ScheduledFuture<?> keepAlives;

    EtcdLease(EtcdStore store, long id, Duration ttl, Runnable onLost) {
        this.store = store;
        this.id = id;
        this.ttl = ttl;
        this.onLost = onLost;
    }

    /** etcd counts TTLs in whole seconds: rounded up, at least one. */
    static long seconds(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease's TTL must be positive, got " + ttl);
        }
        return Math.max(1, (ttl.toMillis() + 999) / 1000);
    }

    private long periodMillis() {
        return Math.max(100, ttl.toMillis() / 3);
    }

    synchronized void schedule(ScheduledExecutorService timer) {
        long period = periodMillis();
        keepAlives = timer.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    /** One keep-alive; a failure to reach etcd is retried at the next period, a lease etcd no longer has is lost. */
    void refresh() {
        if (state != State.ALIVE) {
            return;
        }
        CompletableFuture<LeaseKeepAliveResponse> call = store.client().getLeaseClient().keepAliveOnce(id);
        try {
            LeaseKeepAliveResponse response = call.get(periodMillis(), TimeUnit.MILLISECONDS);
            if (response.getTTL() <= 0) {
                lost();
            }
        } catch (TimeoutException e) {
            call.cancel(true);
            LOG.log(System.Logger.Level.DEBUG, "keep-alive of lease " + id + " unanswered; retrying");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoSuchLeaseException || String.valueOf(cause.getMessage()).contains("lease not found")) {
                lost();
            } else {
                LOG.log(System.Logger.Level.DEBUG, "keep-alive of lease " + id + " failed; retrying: " + cause);
            }
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
        }
    }

    private void lost() {
        synchronized (this) {
            if (state != State.ALIVE) {
                return;
            }
            state = State.LOST;
            cancel();
        }
        store.forget(this);
        LOG.log(System.Logger.Level.WARNING, "lease " + id + " expired while this host could not reach the cluster store "
                + store.endpoints() + "; everything under it is gone");
        try {
            onLost.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the handler of lost lease " + id + " failed", e);
        }
    }

    /** Stops the keep-alives without revoking: etcd expires the lease a TTL later unless it is resumed. */
    synchronized void stopKeepAlive() {
        if (state == State.ALIVE) {
            state = State.STOPPED;
        }
        cancel();
    }

    private void cancel() {
        if (keepAlives != null) {
            keepAlives.cancel(false);
        }
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public boolean alive() {
        return state == State.ALIVE;
    }

    /**
     * Revokes the lease: etcd deletes its keys in one revision.
     *
     * @throws StoreException when etcd cannot be reached: the lease then expires by itself within its TTL
     */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.REVOKED || state == State.LOST) {
                return;
            }
            state = State.REVOKED;
            cancel();
        }
        store.forget(this);
        try {
            store.await(() -> store.client().getLeaseClient().revoke(id), "revoking lease " + id);
        } catch (StoreException e) {
            if (!String.valueOf(e.getMessage()).contains("expired or was revoked")) {
                throw e;
            }
        }
    }
}
