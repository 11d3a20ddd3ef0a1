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
import io.everycloud.claim.device.DeviceRepository;
import io.everycloud.kit.problem.ProblemException;
import io.quarkus.scheduler.Scheduled;

/**
 * Limits claim attempts per user and per client address, counted in the service's database so
 * every replica shares the count. Only failures (wrong, expired or owned codes) use up the budget,
 * and only failures write.
 *
 * <p>An attempt first takes its two counters' locks (user, address: transaction-scoped advisory
 * locks, in the database function {@code claim_attempt_allowed}, migration V4) and reads the
 * counters as committed before it; over the limit it is refused (429) before the code is even
 * looked up (the lookup is the same statement's last part, guarded by the verdict), so a burst of
 * guesses stops at the limit and the right code inside that burst is refused too. The locks are
 * held until the attempt's transaction ends, and a failed attempt adds one to both counters in
 * that same transaction ({@link #countFailure}): concurrent attempts of one user (or one address)
 * take turns, and each sees every failure before it. A successful attempt writes no counter (a
 * lock on a row would have: the row version and its WAL, for every claim). One statement for the
 * locks, the counters and the lookup, one more for a failure; the attempt commits with the claim
 * it decides.
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

    /** The counters an attempt of this user from this address uses: the current window's. */
    public Attempt attempt(UUID userId, String address) {
        long windowMillis = config.rateLimit().window().toMillis();
        Instant windowStart = Instant.ofEpochMilli(Instant.now().toEpochMilli() / windowMillis * windowMillis);
        return new Attempt("user:" + userId, "address:" + address, windowStart);
    }

    /**
     * In one statement (one round trip): takes the attempt's locks until the transaction ends, reads
     * its counters, then runs the code lookup only if neither counter has reached its limit. Over
     * the limit: 429 with Retry-After, and the code was not looked up; the transaction is not marked
     * for rollback (the attempt wrote nothing), so the claims decided with it in a group still commit.
     */
    @Transactional(value = Transactional.TxType.MANDATORY, dontRollbackOn = ProblemException.class)
    public DeviceRepository.CodeLookup check(Attempt attempt, DeviceRepository.CodeQuery lookup) {
        // The verdict is a VOLATILE function's (its snapshot is taken once the locks are held); the
        // CTE is evaluated once. The outer join gives one row even when no device has the code, so
        // the verdict always comes back.
        String sql = """
                WITH allowed AS (
                    SELECT claim_attempt_allowed(?, ?, ?, ?, ?) AS ok),
                found AS (
                """ + lookup.sql("(SELECT ok FROM allowed)") + """
                )
                SELECT (SELECT ok FROM allowed) AS attempt_allowed, found.*
                FROM (VALUES (1)) AS one LEFT JOIN found ON true
                ORDER BY found.identity""";
        boolean allowed = false;
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Timestamp start = Timestamp.from(attempt.windowStart());
            s.setString(1, attempt.userBucket());
            s.setString(2, attempt.addressBucket());
            s.setTimestamp(3, start);
            s.setInt(4, config.rateLimit().perUser());
            s.setInt(5, config.rateLimit().perAddress());
            lookup.bind(s, 6);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    allowed = rs.getBoolean("attempt_allowed");
                    lookup.read(rs);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not count claim attempts", e);
        }
        if (!allowed) {
            throw ProblemException.tooManyRequests(
                    Duration.between(Instant.now(), attempt.windowStart().plus(config.rateLimit().window())));
        }
        return lookup.result();
    }

    /** Whether a refusal is this limiter's own 429 (which counts nothing). */
    public static boolean isLimitReached(ProblemException refusal) {
        return refusal.problem().status() == 429;
    }

    /**
     * The attempt failed: one more failure for its user and its address (the window's first creates
     * the counter), committed with the attempt, under the locks {@link #check} took.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void countFailure(Attempt attempt) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        INSERT INTO claim_attempt_window (bucket, window_start, attempts) VALUES (?, ?, 1), (?, ?, 1)
                        ON CONFLICT (bucket, window_start) DO UPDATE SET attempts = claim_attempt_window.attempts + 1""")) {
            Timestamp start = Timestamp.from(attempt.windowStart());
            s.setString(1, attempt.userBucket());
            s.setTimestamp(2, start);
            s.setString(3, attempt.addressBucket());
            s.setTimestamp(4, start);
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
