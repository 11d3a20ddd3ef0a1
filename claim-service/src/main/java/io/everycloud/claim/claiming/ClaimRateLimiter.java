package io.everycloud.claim.claiming;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.everycloud.claim.ClaimConfig;
import io.everycloud.kit.problem.ProblemException;
import io.quarkus.scheduler.Scheduled;

/**
 * Limits claim attempts per user and per client address, counted in the service's database so
 * every replica shares the count. Each attempt reserves one unit in a fixed window before the
 * code is even looked up; a successful attempt gives it back, so only failures (wrong, expired
 * or owned codes) use up the budget. A burst of guesses therefore stops at the limit, and the
 * right code inside that burst is refused too.
 */
@ApplicationScoped
public class ClaimRateLimiter {

    /** The units one attempt reserved. */
    public record Reservation(String userBucket, String addressBucket, Instant windowStart) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ClaimConfig config;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Reservation reserve(UUID userId, String address) {
        Instant now = Instant.now();
        Duration window = config.rateLimit().window();
        long windowMillis = window.toMillis();
        Instant windowStart = Instant.ofEpochMilli(now.toEpochMilli() / windowMillis * windowMillis);
        Reservation reservation = new Reservation("user:" + userId, "address:" + address, windowStart);
        Map<String, Integer> counts = add(reservation, 1);
        if (counts.get(reservation.userBucket()) > config.rateLimit().perUser()
                || counts.get(reservation.addressBucket()) > config.rateLimit().perAddress()) {
            // thrown inside the transaction: the refused attempt is rolled back and does not count
            throw ProblemException.tooManyRequests(Duration.between(now, windowStart.plus(window)));
        }
        return reservation;
    }

    /** Gives a successful attempt back, in the caller's transaction (committed with the claim it refunds). */
    @Transactional
    public void refund(Reservation reservation) {
        add(reservation, -1);
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void pruneOldWindows() {
        Instant before = Instant.now().minus(config.rateLimit().window().multipliedBy(2));
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM claim_attempt_window WHERE window_start < ?")) {
            s.setTimestamp(1, Timestamp.from(before));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not prune claim attempts", e);
        }
    }

    /**
     * Adds delta to both buckets of the reservation in one statement (one round trip; the user's
     * row is locked before the address's, always in that order) and returns each bucket's count.
     */
    private Map<String, Integer> add(Reservation reservation, int delta) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        INSERT INTO claim_attempt_window (bucket, window_start, attempts)
                        VALUES (?, ?, GREATEST(?, 0)), (?, ?, GREATEST(?, 0))
                        ON CONFLICT (bucket, window_start)
                        DO UPDATE SET attempts = GREATEST(claim_attempt_window.attempts + ?, 0)
                        RETURNING bucket, attempts""")) {
            Timestamp windowStart = Timestamp.from(reservation.windowStart());
            s.setString(1, reservation.userBucket());
            s.setTimestamp(2, windowStart);
            s.setInt(3, delta);
            s.setString(4, reservation.addressBucket());
            s.setTimestamp(5, windowStart);
            s.setInt(6, delta);
            s.setInt(7, delta);
            Map<String, Integer> counts = new HashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new IllegalStateException("could not count claim attempts", e);
        }
    }
}
