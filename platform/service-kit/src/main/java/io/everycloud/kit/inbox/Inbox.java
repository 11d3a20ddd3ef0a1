package io.everycloud.kit.inbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.MalformedEventException;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.db.DatabaseFailures;
import io.everycloud.kit.problem.Causes;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

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
 *
 * <p>A busy consumer applies a whole poll in one transaction with {@link #handleBatch}, from a blocking
 * batch channel ({@code mp.messaging.incoming.<channel>.batch=true}, at most {@code max.poll.records}
 * records a batch):
 *
 * <pre>{@code
 * @Incoming(Channels.CLAIM_OWNERSHIP)
 * @Blocking
 * public CompletionStage<Void> onOwnership(KafkaRecordBatch<String, String> batch) {
 *     return inbox.handleBatch("registry-ownership", batch, this::apply);
 * }
 * }</pre>
 *
 * The same rules hold per event: applied at most once, in the batch's order (a partition's records
 * keep their order), a database outage holds the whole batch, and only a poison event goes to the
 * dead-letter topic (see {@link #handleBatch}).
 *
 * <p>When the service stops, an event whose handling is cut short is neither applied (its
 * transaction rolls back) nor dead-lettered nor acknowledged: it comes again after the restart and
 * is applied then, once. From the {@link ShutdownEvent} on (and from the first failure on a worker
 * the runtime interrupted, or on a closed datasource), every call refuses at once without applying:
 * {@link #handle} and {@link #apply} throw {@link InboxStoppingException}, which the kit's failure
 * strategy ({@link InboxFailureStrategy}) neither dead-letters nor commits, and {@link #handleBatch}
 * returns a stage that never completes (the batch is neither acknowledged nor nacked). Refusing every
 * later record too keeps the offsets behind a held event uncommitted.
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

    /** Set when the service starts stopping; from then on nothing is applied, acknowledged or dead-lettered. */
    private volatile boolean stopping;

    /** Wakes the retry and outage pauses when the service starts stopping. */
    private final Object stopSignal = new Object();

    /**
     * Why the inbox stopped while the service was not stopping (a worker interrupted or the
     * datasource closed outside a shutdown), or null: the inbox holds every event from then on, so
     * {@link InboxLiveness} reports the service not alive and the platform restarts it.
     */
    private volatile String stoppedWhileRunning;
    private volatile boolean shuttingDown;

    /** Early among the shutdown observers: before the Kafka channels, the worker pools and the datasource close. */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown = true;
        stop("the service is stopping");
    }

    /** Why the inbox holds every event although the service is not stopping, if it does (see {@link InboxLiveness}). */
    public Optional<String> stoppedWhileRunning() {
        return shuttingDown ? Optional.empty() : Optional.ofNullable(stoppedWhileRunning);
    }

    /** The service is stopping (see class comment). Package-private for tests, which simulate a shutdown. */
    void stop(String why) {
        synchronized (stopSignal) {
            if (!stopping) {
                LOG.infof("inbox stops: %s; events not yet applied are held for the restart", why);
            }
            stopping = true;
            stopSignal.notifyAll();
        }
    }

    /** Tests only: what a restarted service does, applying events again. */
    void resume() {
        stopping = false;
        shuttingDown = false;
        stoppedWhileRunning = null;
    }

    /** Parses the message and applies it once (see class comment). Returns whether it was applied now. */
    public boolean handle(String consumer, String message, Consumer<Envelope> handler) {
        if (stopping) {
            // before reading it: an unreadable message is not dead-lettered either
            meters.counter("everycloud.inbox.held", "consumer", consumer).increment();
            refuseWhileStopping();
        }
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
     * goes to the dead-letter topic). When the service stops it throws {@link InboxStoppingException}
     * instead, and the event is not applied (see class comment).
     */
    public boolean apply(String consumer, Envelope envelope, Consumer<Envelope> handler) {
        try {
            return applyOnce(consumer, envelope, handler);
        } catch (InboxStoppingException e) {
            meters.counter("everycloud.inbox.held", "consumer", consumer).increment();
            throw e;
        }
    }

    private boolean applyOnce(String consumer, Envelope envelope, Consumer<Envelope> handler) {
        refuseWhileStopping();
        int attempts = Math.max(1, config.inbox().attempts());
        long delay = config.inbox().retryDelay().toMillis();
        Outage outage = new Outage(consumer);
        int failures = 0;
        RuntimeException last = null;
        while (true) {
            try {
                boolean applied = QuarkusTransaction.requiringNew().call(() -> applyInTransaction(consumer, envelope, handler));
                meters.counter(applied ? "everycloud.inbox.applied" : "everycloud.inbox.duplicates", "consumer", consumer)
                        .increment();
                outage.over(() -> "event " + envelope.id() + " (" + envelope.type() + ")");
                return applied;
            } catch (MalformedEventException e) {
                last = e;
                break;
            } catch (RuntimeException e) {
                if (cutShort(e)) {
                    throw held(consumer, "event " + envelope.id() + " (" + envelope.type() + ")", e);
                }
                if (DatabaseFailures.isUnavailable(e)) {
                    outage.await(e, () -> "event " + envelope.id() + " (" + envelope.type() + ")", "the partition holds");
                    continue;
                }
                last = e;
                failures++;
                if (failures >= attempts) {
                    break;
                }
                LOG.debugf("%s: event %s (%s) failed on attempt %d: %s", consumer, envelope.id(), envelope.type(),
                        failures, e.getMessage());
                pause(consumer, delay);
                delay *= 2;
            }
        }
        meters.counter("everycloud.inbox.dead.lettered", "consumer", consumer).increment();
        LOG.errorf(last, "%s: event %s (%s, subject %s) goes to the dead-letter topic", consumer, envelope.id(),
                envelope.type(), envelope.subject());
        throw new EventFailedException(envelope, last);
    }

    /**
     * Applies a batch of records once each, in the batch's order, in ONE transaction: one
     * {@code INSERT ... ON CONFLICT DO NOTHING RETURNING} of the batch's event ids into the inbox,
     * then the handler for each event that was new, then one commit. Returns the batch's
     * acknowledgement (its offsets are committed after the change committed); nothing is
     * acknowledged before.
     * <ul>
     * <li>Database unavailable ({@link DatabaseFailures}): the whole batch is tried again without
     * limit, 100 ms doubling to 5 s apart, and never dead-lettered.</li>
     * <li>Any other failure (a poison event): the batch's transaction is rolled back and the batch is
     * applied event by event, each in its own transaction with its attempts ({@link #apply}); an event
     * that keeps failing, and an unreadable record, is nacked alone, so the channel's dead-letter
     * strategy sends only that record to {@code <topic>.dlq} with the error, and the others are
     * applied. (Nacking the batch would dead-letter every record in it.)</li>
     * <li>The service stopping (see class comment): the stage returned never completes, the batch is
     * neither acknowledged nor dead-lettered, and comes again after the restart; events of it already
     * applied one by one are then dropped as duplicates.</li>
     * </ul>
     * The metrics {@code everycloud.inbox.applied}, {@code duplicates}, {@code dead.lettered} and
     * {@code held} (not applied because the service stopped) count events, not batches.
     */
    public CompletionStage<Void> handleBatch(String consumer, KafkaRecordBatch<?, String> batch, Consumer<Envelope> handler) {
        return handleBatchAll(consumer, batch, envelopes -> envelopes.forEach(handler));
    }

    /**
     * As {@link #handleBatch(String, KafkaRecordBatch, Consumer)}, for a handler that applies several
     * events at once (set-based statements): it gets the batch's new events, in the batch's order,
     * in one call inside the batch's transaction, and must apply them as if one after the other.
     * When the batch falls back to one event at a time (a poison event), it gets one-event lists.
     */
    public CompletionStage<Void> handleBatchAll(String consumer, KafkaRecordBatch<?, String> batch,
            Consumer<List<Envelope>> handler) {
        try {
            refuseWhileStopping();
            return applyAll(consumer, batch, handler);
        } catch (InboxStoppingException e) {
            meters.counter("everycloud.inbox.held", "consumer", consumer).increment(batch.getRecords().size());
            // no ack (the commit strategy would commit past the batch), no nack (the failure
            // strategy would dead-letter it): the batch comes again after the restart
            return new CompletableFuture<>();
        }
    }

    private CompletionStage<Void> applyAll(String consumer, KafkaRecordBatch<?, String> batch, Consumer<List<Envelope>> handler) {
        List<Pending> readable = new ArrayList<>();
        List<Pending> unreadable = new ArrayList<>();
        for (KafkaRecord<?, String> record : batch.getRecords()) {
            try {
                if (record.getPayload() == null) {
                    throw new MalformedEventException("an empty record (no value)");
                }
                readable.add(new Pending(record, Envelope.fromJson(record.getPayload()), null));
            } catch (MalformedEventException e) {
                unreadable.add(new Pending(record, null, e));
            }
        }
        if (!readable.isEmpty() && !applyBatch(consumer, readable, handler, batch.getRecords().size())) {
            for (Pending pending : readable) {
                try {
                    applyOnce(consumer, pending.envelope(), envelope -> handler.accept(List.of(envelope)));
                } catch (EventFailedException e) {
                    refuseWhileStopping();
                    deadLetter(consumer, pending.record(), e);
                }
            }
        }
        for (Pending pending : unreadable) {
            refuseWhileStopping();
            meters.counter("everycloud.inbox.dead.lettered", "consumer", consumer).increment();
            LOG.errorf("%s: unreadable event sent to the dead-letter topic: %s", consumer, pending.failure().getMessage());
            deadLetter(consumer, pending.record(), pending.failure());
        }
        return batch.ack();
    }

    /** A record of a batch, read ({@code envelope}) or not ({@code failure}). */
    private record Pending(KafkaRecord<?, String> record, Envelope envelope, RuntimeException failure) {
    }

    /**
     * The batch in one transaction, retried without limit while the database is unavailable.
     * Returns false (rolled back) when anything else failed: the caller applies event by event.
     */
    private boolean applyBatch(String consumer, List<Pending> batch, Consumer<List<Envelope>> handler, int records) {
        List<Envelope> envelopes = batch.stream().map(Pending::envelope).toList();
        Outage outage = new Outage(consumer);
        while (true) {
            try {
                int applied = QuarkusTransaction.requiringNew().call(() -> applyBatchInTransaction(consumer, envelopes, handler));
                if (applied > 0) {
                    meters.counter("everycloud.inbox.applied", "consumer", consumer).increment(applied);
                }
                if (applied < envelopes.size()) {
                    meters.counter("everycloud.inbox.duplicates", "consumer", consumer).increment(envelopes.size() - applied);
                }
                outage.over(() -> "a batch of " + envelopes.size() + " events");
                return true;
            } catch (RuntimeException e) {
                if (cutShort(e)) {
                    throw held(consumer, "a batch of " + records + " records", e);
                }
                if (!DatabaseFailures.isUnavailable(e)) {
                    LOG.warnf("%s: a batch of %d events failed (%s: %s); applying them one by one", consumer, envelopes.size(),
                            e.getClass().getSimpleName(), e.getMessage());
                    return false;
                }
                outage.await(e, () -> "a batch of " + envelopes.size() + " events (first " + envelopes.get(0).id() + ")",
                        "the partitions hold");
            }
        }
    }

    /** Records the batch's ids in one statement, then applies the new ones in order. Returns how many were new. */
    private int applyBatchInTransaction(String consumer, List<Envelope> envelopes, Consumer<List<Envelope>> handler) {
        Set<UUID> fresh = recordAll(consumer, envelopes);
        List<Envelope> toApply = new ArrayList<>();
        for (Envelope envelope : envelopes) {
            // remove: an id that comes twice in the batch is applied the first time only
            if (fresh.remove(envelope.id())) {
                toApply.add(envelope);
            } else {
                LOG.debugf("%s: event %s already applied, skipped", consumer, envelope.id());
            }
        }
        if (!toApply.isEmpty()) {
            handler.accept(toApply);
        }
        return toApply.size();
    }

    private Set<UUID> recordAll(String consumer, List<Envelope> envelopes) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO inbox (consumer, event_id, event_type) SELECT ?, e.id, e.type"
                                + " FROM unnest(?::uuid[], ?::text[]) AS e (id, type) ON CONFLICT DO NOTHING RETURNING event_id")) {
            insert.setString(1, consumer);
            insert.setArray(2, connection.createArrayOf("uuid", envelopes.stream().map(Envelope::id).toArray()));
            insert.setArray(3, connection.createArrayOf("text", envelopes.stream().map(Envelope::type).toArray()));
            Set<UUID> fresh = new HashSet<>();
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getObject(1, UUID.class));
                }
            }
            return fresh;
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the inbox", e);
        }
    }

    /**
     * Nacks one record of a batch: the channel's failure strategy (dead-letter-queue) sends it to
     * {@code <topic>.dlq} with SmallRye's headers ({@code dead-letter-reason}, {@code -cause},
     * {@code -topic}, {@code -partition}, {@code -offset}), as for a record consumed alone.
     * Waits until it is there, so the batch is acknowledged after its dead letters.
     */
    private void deadLetter(String consumer, KafkaRecord<?, String> record, Throwable reason) {
        try {
            record.nack(reason).toCompletableFuture().get();
        } catch (InterruptedException e) {
            // the record may or may not be in the dead-letter topic: the batch comes again after the
            // restart and a poison event in it is dead-lettered (again) then
            Thread.currentThread().interrupt();
            throw held(consumer, "a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not dead-letter a record of " + record.getTopic() + "-" + record.getPartition()
                    + " (key " + record.getKey() + "): " + e.getCause().getMessage(), e.getCause());
        }
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

    /**
     * Waiting for the consumer's database while it is unavailable, for one event or one batch:
     * 100 ms doubling to 5 s between tries, a warning when it starts and every 30 s while it
     * lasts, {@code everycloud.inbox.database.unavailable} counted per try, and one line when the
     * waiting thing is applied after it.
     */
    private final class Outage {
        private final String consumer;
        private long delay = OUTAGE_FIRST_DELAY_MS;
        private long since;
        private long loggedAt;

        Outage(String consumer) {
            this.consumer = consumer;
        }

        void await(RuntimeException cause, java.util.function.Supplier<String> what, String holding) {
            long now = System.nanoTime();
            if (since == 0) {
                since = now;
            }
            if (loggedAt == 0 || now - loggedAt > OUTAGE_LOG_EVERY_NS) {
                loggedAt = now;
                LOG.warnf("%s: %s waits for the database, which is unavailable (%s); retrying every %d ms at most, %s",
                        consumer, what.get(), cause.getMessage(), OUTAGE_MAX_DELAY_MS, holding);
            }
            meters.counter("everycloud.inbox.database.unavailable", "consumer", consumer).increment();
            pause(consumer, delay);
            delay = Math.min(delay * 2, OUTAGE_MAX_DELAY_MS);
        }

        void over(java.util.function.Supplier<String> what) {
            if (since != 0) {
                LOG.infof("%s: %s applied after the database was unavailable for %d ms", consumer, what.get(),
                        (System.nanoTime() - since) / 1_000_000);
            }
        }
    }

    /**
     * Waits before the next try; returns early, throwing {@link InboxStoppingException}, when the
     * service starts stopping or the worker is interrupted (which the runtime does when it stops).
     */
    private void pause(String consumer, long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (stopSignal) {
            long left;
            while (!stopping && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(stopSignal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw held(consumer, "an event or a batch", e);
                }
            }
        }
        refuseWhileStopping();
    }

    /**
     * Whether a failure cut the handling short because the service stops: it is stopping, the worker
     * was interrupted, or the datasource was closed under it. Such a failure says nothing about the
     * event: it is not counted as an attempt and never dead-lettered.
     */
    private boolean cutShort(RuntimeException failure) {
        return stopping || Thread.currentThread().isInterrupted() || InboxStoppingException.isStopping(failure)
                || Causes.any(failure, InterruptedException.class::isInstance) || DatabaseFailures.isPoolClosed(failure);
    }

    private void refuseWhileStopping() {
        if (stopping) {
            throw new InboxStoppingException("the service is stopping; held for the restart", null);
        }
    }

    /**
     * The handling of {@code what} was cut short by the service stopping: stops the inbox (so that no
     * record behind it is acknowledged, whatever cut it short) and returns the exception to throw.
     */
    private InboxStoppingException held(String consumer, String what, Throwable cause) {
        if (cause instanceof InboxStoppingException stoppingAlready) {
            return stoppingAlready;
        }
        String why = "a worker was interrupted or the datasource closed (" + cause.getClass().getSimpleName() + ")";
        if (!stopping) {
            stoppedWhileRunning = why;
        }
        stop(why);
        LOG.infof("%s: %s not applied, the service is stopping; it comes again after the restart", consumer, what);
        return new InboxStoppingException(consumer + ": " + what + " held, the service is stopping", cause);
    }
}
