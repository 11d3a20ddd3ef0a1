package io.everycloud.registry.deviceapi;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.agroal.api.AgroalDataSource;
import io.everycloud.registry.RegistryConfig;

/**
 * Device tokens already checked, in memory: token hash → device and its apps, so a device request
 * costs no database query. An entry lives at most {@code registry.device-api.token-cache-ttl}.
 * <p>
 * Whatever changes what a token means (reset, delete, the {@code apps} tag) calls
 * {@link #changed}: the entry is dropped at once and again right after the commit on this
 * replica, and a PostgreSQL {@code NOTIFY} sent in the same transaction makes every other replica
 * drop it too ({@link #CHANNEL}, listened to by {@code ReplicaWakeups}). A lookup that read the
 * database before such a commit does not store its (old) answer: every invalidation moves an
 * epoch, and an answer is kept only if the epoch did not move while it was read. A replica whose
 * listening connection was lost forgets everything ({@link #clear}), and the TTL bounds the rest.
 */
@ApplicationScoped
public class DeviceTokenCache {

    /** The channel of device changes: the payload is the device identity. */
    public static final String CHANNEL = "registry_device_changed";

    @Inject
    RegistryConfig config;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    /** A checked token: its device, the apps its data goes to, when it was last seen. */
    static final class Entry {
        final String identity;
        final List<String> apps;
        final long expiresAt;
        volatile Instant lastSeen;

        Entry(String identity, List<String> apps, Instant lastSeen, long expiresAt) {
            this.identity = identity;
            this.apps = apps;
            this.lastSeen = lastSeen;
            this.expiresAt = expiresAt;
        }
    }

    private final ConcurrentHashMap<String, Entry> byHash = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> hashOf = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private volatile long lastSweep = System.nanoTime();

    /** The cached device of a token hash, or null (never cached, expired or invalidated). */
    Entry get(String hash) {
        Entry entry = byHash.get(hash);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.expiresAt > 0) {
            byHash.remove(hash, entry);
            hashOf.remove(entry.identity, hash);
            return null;
        }
        return entry;
    }

    /** Read before a database lookup; hand it to {@link #put}. */
    long epoch() {
        return epoch.get();
    }

    /** Keeps a lookup's answer unless something was invalidated since {@code epochBefore}. */
    void put(String hash, String identity, List<String> apps, Instant lastSeen, long epochBefore) {
        if (byHash.size() >= config.deviceApi().tokenCacheSize() || epoch.get() != epochBefore) {
            return;
        }
        Entry entry = new Entry(identity, List.copyOf(apps), lastSeen,
                System.nanoTime() + config.deviceApi().tokenCacheTtl().toNanos());
        byHash.put(hash, entry);
        String previous = hashOf.put(identity, hash);
        if (previous != null && !previous.equals(hash)) {
            byHash.remove(previous);
        }
        if (epoch.get() != epochBefore) {
            // an invalidation ran meanwhile and may have missed this entry
            byHash.remove(hash, entry);
            hashOf.remove(identity, hash);
        }
    }

    /**
     * A device's token, status or apps change in the current transaction: dropped here now and
     * after the commit, and on the other replicas through a NOTIFY delivered only if it commits.
     * Without a transaction, the NOTIFY is sent (and delivered) at once.
     */
    public void changed(String identity) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            notify.setString(1, CHANNEL);
            notify.setString(2, identity);
            notify.executeQuery().close();
        } catch (SQLException e) {
            throw new IllegalStateException("could not announce the change of device " + identity, e);
        }
        invalidate(identity);
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    invalidate(identity);
                }
            });
        }
    }

    /** Forgets a device's token (this replica only). */
    public void invalidate(String identity) {
        epoch.incrementAndGet();
        String hash = hashOf.remove(identity);
        if (hash != null) {
            byHash.remove(hash);
        }
    }

    /** Forgets every token (this replica), e.g. when changes may have been missed. */
    public void clear() {
        epoch.incrementAndGet();
        byHash.clear();
        hashOf.clear();
    }

    /** Drops expired entries (devices that went quiet); does nothing if it ran less than a TTL ago. */
    public void sweep() {
        long now = System.nanoTime();
        if (now - lastSweep < config.deviceApi().tokenCacheTtl().toNanos()) {
            return;
        }
        lastSweep = now;
        byHash.entrySet().removeIf(e -> {
            boolean expired = now - e.getValue().expiresAt > 0;
            if (expired) {
                hashOf.remove(e.getValue().identity, e.getKey());
            }
            return expired;
        });
    }

    public int size() {
        return byHash.size();
    }
}
