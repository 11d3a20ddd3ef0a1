package io.everycloud.claim.claiming;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
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
 * every replica shares the count. Only failures (wrong, expired or owned codes) use up the budget.
 *
 * <p>An attempt first locks its two counters (user, address) in the caller's transaction and
 * reads them; over the limit it is refused (429) before the code is even looked up, so a burst of
 * guesses stops at the limit and the right code inside that burst is refused too. The locks are
 * held until the attempt's transaction ends, and a failed attempt adds one to both counters in
 * that same transaction ({@link #countFailure}): concurrent attempts of one user (or one address)
 * take turns on the counter rows, and each sees every failure before it. Successful attempts leave
 * the counters as they were. One statement per attempt, two for a failed one; the attempt commits
 * with the claim it decides.
 */
@ApplicationScoped
public class ClaimRateLimiter {

    /** The counters one attempt holds. */
    public record Attempt(String userBucket, String addressBucket, Instant windowStart) {
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ClaimConfig config;

    /**
     * Locks the attempt's counters until the transaction ends (creating them at zero in a new
     * window) and refuses it with 429 when either has reached its limit.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Attempt check(UUID userId, String address) {
        Instant now = Instant.now();
        Duration window = config.rateLimit().window();
        long windowMillis = window.toMillis();
        Instant windowStart = Instant.ofEpochMilli(now.toEpochMilli() / windowMillis * windowMillis);
        Attempt attempt = new Attempt("user:" + userId, "address:" + address, windowStart);
        int userFailures = 0;
        int addressFailures = 0;
        // DO UPDATE (not DO NOTHING): the row is locked and returned whether it is new or not
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        INSERT INTO claim_attempt_window (bucket, window_start, attempts) VALUES (?, ?, 0), (?, ?, 0)
                        ON CONFLICT (bucket, window_start) DO UPDATE SET attempts = claim_attempt_window.attempts
                        RETURNING bucket, attempts""")) {
            Timestamp start = Timestamp.from(windowStart);
            s.setString(1, attempt.userBucket());
            s.setTimestamp(2, start);
            s.setString(3, attempt.addressBucket());
            s.setTimestamp(4, start);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(1).equals(attempt.userBucket())) {
                        userFailures = rs.getInt(2);
                    } else {
                        addressFailures = rs.getInt(2);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count claim attempts", e);
        }
        if (userFailures >= config.rateLimit().perUser() || addressFailures >= config.rateLimit().perAddress()) {
            throw ProblemException.tooManyRequests(Duration.between(now, windowStart.plus(window)));
        }
        return attempt;
    }

    /** The attempt failed: one more failure for its user and its address, committed with the attempt. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void countFailure(Attempt attempt) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        UPDATE claim_attempt_window SET attempts = attempts + 1
                        WHERE window_start = ? AND bucket IN (?, ?)""")) {
            s.setTimestamp(1, Timestamp.from(attempt.windowStart()));
            s.setString(2, attempt.userBucket());
            s.setString(3, attempt.addressBucket());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not count a failed claim attempt", e);
        }
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
}
