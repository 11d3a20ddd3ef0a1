package io.everycloud.user.token;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.everycloud.user.config.UserConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Failed logins per client address, kept in the database so every replica counts the same:
 * {@code address-failures} failures within {@code address-window} refuse the address for one
 * window. Guessing across many accounts from one address stops here; guessing one account from
 * many addresses stops at the account lock.
 */
@ApplicationScoped
public class AddressThrottle {

    @Inject
    EntityManager em;

    @Inject
    UserConfig config;

    /** How long the address must still wait, if it is refused. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Duration> refusedFor(String address, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery("SELECT blocked_until FROM address_failures WHERE address = ?1")
                .setParameter(1, address).getResultList();
        if (rows.isEmpty() || rows.get(0) == null) {
            return Optional.empty();
        }
        Instant until = toInstant(rows.get(0));
        return until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void failed(String address, Instant now) {
        Duration window = config.throttle().addressWindow();
        Timestamp nowTs = Timestamp.from(now);
        Timestamp cutoff = Timestamp.from(now.minus(window));
        // a failure after the window has passed starts a new window
        em.createNativeQuery("""
                INSERT INTO address_failures (address, failures, window_start) VALUES (?1, 1, ?2)
                ON CONFLICT (address) DO UPDATE SET
                  failures = CASE WHEN address_failures.window_start < ?3 THEN 1 ELSE address_failures.failures + 1 END,
                  window_start = CASE WHEN address_failures.window_start < ?3 THEN ?2 ELSE address_failures.window_start END""")
                .setParameter(1, address).setParameter(2, nowTs).setParameter(3, cutoff).executeUpdate();
        em.createNativeQuery("UPDATE address_failures SET blocked_until = ?1 WHERE address = ?2 AND failures >= ?3"
                + " AND (blocked_until IS NULL OR blocked_until < ?4)")
                .setParameter(1, Timestamp.from(now.plus(window))).setParameter(2, address)
                .setParameter(3, config.throttle().addressFailures()).setParameter(4, nowTs).executeUpdate();
    }

    @Scheduled(every = "15m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    @Transactional
    void prune() {
        Instant cutoff = Instant.now().minus(config.throttle().addressWindow().multipliedBy(2));
        em.createNativeQuery("DELETE FROM address_failures WHERE window_start < ?1 AND (blocked_until IS NULL OR blocked_until < ?2)")
                .setParameter(1, Timestamp.from(cutoff)).setParameter(2, Timestamp.from(Instant.now())).executeUpdate();
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime odt) {
            return odt.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
