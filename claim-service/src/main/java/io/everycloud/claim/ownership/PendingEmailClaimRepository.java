package io.everycloud.claim.ownership;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.everycloud.claim.ClaimConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Device-email claims waiting for their device ({@code pending_device_email_claim}): user-service
 * said the account is ready before registry.device.v1 told the projection about the device. The
 * two topics are consumed independently, so this order is normal after an import burst, a restart
 * or a lagging projection.
 * <p>
 * Parking (account consumer) and taking (projection consumer) meet under one transaction-scoped
 * advisory lock per device ({@link #lockDevice}): whichever commits first, the other sees it, so a
 * request parked while its device is being inserted is never left behind.
 */
@ApplicationScoped
public class PendingEmailClaimRepository {

    /** First key of the advisory locks (the second is the identity's hash); two-key locks never meet the kit's one-key outbox lock. */
    private static final int LOCK_SPACE = 0x434c4d45; // "CLME"
    private static final Logger LOG = Logger.getLogger(PendingEmailClaimRepository.class);

    /** A parked request: the user the device should go to, and when user-service announced the account. */
    public record PendingEmailClaim(String identity, UUID userId, Instant requestedAt) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ClaimConfig config;

    @Inject
    MeterRegistry meters;

    private final AtomicLong parked = new AtomicLong();

    void registerGauge(@Observes StartupEvent event) {
        Gauge.builder("claim.device.email.parked", parked, AtomicLong::get)
                .description("device-email claims waiting for their device, as of the last clean-up").register(meters);
    }

    /**
     * Serialises parking and taking a device's request until the transaction ends. Taken before the
     * statement that must see the other side's commit (READ COMMITTED: each statement sees what was
     * committed when it started).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockDevice(String identity) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            s.setInt(1, LOCK_SPACE);
            s.setString(2, identity);
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("could not lock the device-email claim of " + identity, e);
        }
    }

    /**
     * Parks the request, replacing the device's earlier one: the newest request wins. "Newest" is by
     * the event's time, as user-service's events of two users may arrive in either order. Returns
     * false when the device already has a newer request (this one is dropped).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean park(String identity, UUID userId, Instant requestedAt) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        INSERT INTO pending_device_email_claim AS p (identity, user_id, requested_at) VALUES (?, ?, ?)
                        ON CONFLICT (identity) DO UPDATE SET user_id = EXCLUDED.user_id, requested_at = EXCLUDED.requested_at
                        WHERE p.requested_at <= EXCLUDED.requested_at""")) {
            s.setString(1, identity);
            s.setObject(2, userId);
            s.setTimestamp(3, Timestamp.from(requestedAt));
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not park the device-email claim of " + identity, e);
        }
    }

    /**
     * Takes the device's lock ({@link #lockDevice}), then removes its parked request and returns it:
     * two statements sent in one round trip (the projection does this for every device new to it).
     * The delete starts after the lock is granted, so it sees a request parked meanwhile.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<PendingEmailClaim> take(String identity) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?));"
                        + " DELETE FROM pending_device_email_claim WHERE identity = ? RETURNING user_id, requested_at")) {
            s.setInt(1, LOCK_SPACE);
            s.setString(2, identity);
            s.setString(3, identity);
            s.execute();
            if (!s.getMoreResults()) {
                throw new IllegalStateException("the delete of the device-email claim of " + identity + " returned no rows");
            }
            try (ResultSet rs = s.getResultSet()) {
                return rs.next()
                        ? Optional.of(new PendingEmailClaim(identity, rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant()))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not take the device-email claim of " + identity, e);
        }
    }

    /** Drops the parked requests of a deleted account; returns how many. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int dropRequestsOf(UUID userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM pending_device_email_claim WHERE user_id = ?")) {
            s.setObject(1, userId);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the device-email claims of " + userId, e);
        }
    }

    /** Whether a request announced at {@code requestedAt} may still be applied. */
    public boolean isLive(Instant requestedAt, Instant now) {
        return requestedAt.plus(config.deviceEmailClaimWindow()).isAfter(now);
    }

    /** Deletes the requests past the window (their devices never came), and reads how many wait. */
    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void pruneExpired() {
        Timestamp cutoff = Timestamp.from(Instant.now().minus(config.deviceEmailClaimWindow()));
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        WITH expired AS (DELETE FROM pending_device_email_claim WHERE requested_at <= ? RETURNING 1)
                        SELECT (SELECT count(*) FROM expired), (SELECT count(*) FROM pending_device_email_claim WHERE requested_at > ?)""")) {
            s.setTimestamp(1, cutoff);
            s.setTimestamp(2, cutoff);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                long expired = rs.getLong(1);
                parked.set(rs.getLong(2));
                if (expired > 0) {
                    LOG.infof("%d device-email claims expired before their devices were known here; deleted", expired);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not prune device-email claims", e);
        }
    }
}
