package io.everycloud.kit.testapp;

import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Two channels of one consumer ({@value #CONSUMER}) that the shutdown tests (InboxShutdownTest) stop
 * under a running handler: {@code held} (topic {@value #TOPIC}, one record at a time, on its own
 * worker pool) and {@code held-batch} (topic {@value #BATCH_TOPIC}, batches). The handler writes into
 * the {@code applied} table, and can be made to wait ({@link #gate}) and to fail ({@link #failure}).
 */
@ApplicationScoped
public class HeldListener {

    public static final String TOPIC = "kit.held.v1";
    public static final String BATCH_TOPIC = "kit.held-batch.v1";
    public static final String CONSUMER = "kit-held";

    /** How the handler fails: not, as a lost database connection (08006), or as Agroal's pool closed at shutdown. */
    public enum Failure {
        NONE, DATABASE_DOWN, POOL_CLOSED
    }

    public static volatile Failure failure = Failure.NONE;

    /** While set, the handler waits for it to open before it applies or fails: a handler busy when the service stops. */
    public static volatile CountDownLatch gate;

    /** How many times each event was handed to the handler. */
    public static final Map<UUID, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    /** The thread of the last handler call (the one the runtime interrupts when it stops). */
    public static final AtomicReference<Thread> WORKER = new AtomicReference<>();

    @Inject
    Inbox inbox;

    @Inject
    AgroalDataSource dataSource;

    @Incoming("held")
    @Blocking("kit-held")
    public void onRecord(String message) {
        // a worker the test interrupted (as Quarkus does when it stops) keeps its interrupt status
        // for the records queued behind; a restarted service has fresh threads
        Thread.interrupted();
        inbox.handle(CONSUMER, message, this::apply);
    }

    @Incoming("held-batch")
    @Blocking
    public CompletionStage<Void> onBatch(KafkaRecordBatch<String, String> batch) {
        return inbox.handleBatch(CONSUMER, batch, this::apply);
    }

    private void apply(Envelope envelope) {
        WORKER.set(Thread.currentThread());
        ATTEMPTS.computeIfAbsent(envelope.id(), id -> new AtomicInteger()).incrementAndGet();
        CountDownLatch waitFor = gate;
        if (waitFor != null) {
            try {
                waitFor.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        switch (failure) {
            case DATABASE_DOWN -> throw new IllegalStateException("could not write",
                    new SQLException("An I/O error occurred while sending to the backend.", "08006"));
            case POOL_CLOSED -> throw new IllegalStateException("could not write",
                    new SQLException("This pool is closed and does not handle any more connections!"));
            case NONE -> {
            }
        }
        AppliedListener.record(dataSource, envelope);
    }
}
