package io.everycloud.kit.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.MalformedEventException;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.db.DatabaseFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The idempotent inbox: an event id is applied at most once per consumer, in the same database
 * transaction as the change it causes. Use it from a blocking {@code @Incoming} method:
 *
 * <pre>{@code
 * @Incoming(Channels.REGISTRY_DEVICE)
 * @Blocking // io.smallrye.reactive.messaging.annotations.Blocking: ordered per partition
 * public void onDeviceEvent(String message) {
 *     inbox.handle("claim-projection", message, this::apply);
 * }
 * }</pre>
 *
 * While the consumer's database is unavailable (see {@link DatabaseFailures}) the event is retried
 * without limit and the partition waits: it is applied when the database is back, never
 * dead-lettered. Any other failure (a poison event) is retried a few times; if it keeps failing
 * the exception leaves the method, the message is nacked and the channel's dead-letter strategy
 * sends it to {@code <topic>.dlq} with the error, and the partition moves on. Offsets commit only after the method returns,
 * that is after the change committed.
 */
@ApplicationScoped
public class Inbox {

    private static final Logger LOG = Logger.getLogger(Inbox.class);

    /** First pause while the database is unavailable; doubled up to {@link #OUTAGE_MAX_DELAY_MS}. */
    static final long OUTAGE_FIRST_DELAY_MS = 100;
    static final long OUTAGE_MAX_DELAY_MS = 5_000;
    private static final long OUTAGE_LOG_EVERY_NS = 30_000_000_000L;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EveryCloudConfig config;

    @Inject
    MeterRegistry meters;

    /** Parses the message and applies it once (see class comment). Returns whether it was applied now. */
    public boolean handle(String consumer, String message, Consumer<Envelope> handler) {
        Envelope envelope;
        try {
            envelope = Envelope.fromJson(message);
        } catch (MalformedEventException e) {
            meters.counter("everycloud.inbox.dead.lettered", "consumer", consumer).increment();
            LOG.errorf("%s: unreadable event sent to the dead-letter topic: %s", consumer, e.getMessage());
            throw e;
        }
        return apply(consumer, envelope, handler);
    }

    /**
     * Applies the envelope once. While the database is unavailable ({@link DatabaseFailures}) it
     * retries without limit, 100 ms doubling to 5 s apart, holding the partition: the event is
     * applied once the database is back, and the events behind it after it, in order. Any other
     * failure is retried {@code everycloud.inbox.attempts} times in all, then thrown (the event
     * goes to the dead-letter topic).
     */
    public boolean apply(String consumer, Envelope envelope, Consumer<Envelope> handler) {
        int attempts = Math.max(1, config.inbox().attempts());
        long delay = config.inbox().retryDelay().toMillis();
        long outageDelay = OUTAGE_FIRST_DELAY_MS;
        long outageSince = 0;
        long outageLoggedAt = 0;
        int failures = 0;
        RuntimeException last = null;
        while (true) {
            try {
                boolean applied = QuarkusTransaction.requiringNew().call(() -> applyInTransaction(consumer, envelope, handler));
                meters.counter(applied ? "everycloud.inbox.applied" : "everycloud.inbox.duplicates", "consumer", consumer)
                        .increment();
                if (outageSince != 0) {
                    LOG.infof("%s: event %s (%s) applied after the database was unavailable for %d ms", consumer,
                            envelope.id(), envelope.type(), (System.nanoTime() - outageSince) / 1_000_000);
                }
                return applied;
            } catch (MalformedEventException e) {
                last = e;
                break;
            } catch (RuntimeException e) {
                if (DatabaseFailures.isUnavailable(e)) {
                    long now = System.nanoTime();
                    if (outageSince == 0) {
                        outageSince = now;
                    }
                    if (outageLoggedAt == 0 || now - outageLoggedAt > OUTAGE_LOG_EVERY_NS) {
                        outageLoggedAt = now;
                        LOG.warnf("%s: event %s (%s) waits for the database, which is unavailable (%s); retrying every %d ms"
                                + " at most, the partition holds", consumer, envelope.id(), envelope.type(), e.getMessage(),
                                OUTAGE_MAX_DELAY_MS);
                    }
                    meters.counter("everycloud.inbox.database.unavailable", "consumer", consumer).increment();
                    sleep(outageDelay);
                    outageDelay = Math.min(outageDelay * 2, OUTAGE_MAX_DELAY_MS);
                    continue;
                }
                last = e;
                failures++;
                if (failures >= attempts) {
                    break;
                }
                LOG.debugf("%s: event %s (%s) failed on attempt %d: %s", consumer, envelope.id(), envelope.type(),
                        failures, e.getMessage());
                sleep(delay);
                delay *= 2;
            }
        }
        meters.counter("everycloud.inbox.dead.lettered", "consumer", consumer).increment();
        LOG.errorf(last, "%s: event %s (%s, subject %s) goes to the dead-letter topic", consumer, envelope.id(),
                envelope.type(), envelope.subject());
        throw new EventFailedException(envelope, last);
    }

    private boolean applyInTransaction(String consumer, Envelope envelope, Consumer<Envelope> handler) {
        if (!record(consumer, envelope)) {
            LOG.debugf("%s: event %s already applied, skipped", consumer, envelope.id());
            return false;
        }
        handler.accept(envelope);
        return true;
    }

    private boolean record(String consumer, Envelope envelope) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO inbox (consumer, event_id, event_type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, consumer);
            insert.setObject(2, envelope.id());
            insert.setString(3, envelope.type());
            return insert.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the inbox", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
