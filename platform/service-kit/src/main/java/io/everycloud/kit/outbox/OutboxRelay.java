package io.everycloud.kit.outbox;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.worker.Backoff;
import io.everycloud.kit.worker.WakeableWorker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Sends outbox rows to Kafka in id order (so in order per key), with an idempotent producer and
 * {@code acks=all}, then marks them sent. Woken by every commit that wrote the outbox (it then
 * lingers {@code everycloud.outbox.linger}, 5 ms, so that the commits of that time share a round),
 * and by a slow safety poll. While Kafka is unreachable it backs off and keeps the rows; a crash between
 * sending and marking sends them again (consumers' inboxes drop the duplicates). Replicas of a
 * service take turns through a PostgreSQL advisory lock, so only one relays at a time. A row
 * packed by {@link Outbox#publishAll} is sent as one record per event and marked once.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key shared by the replicas of one service (each service has its own database). */
    private static final long RELAY_LOCK = 0x0EC0_0B0BL;
    /** Wait after the first failed round. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    /**
     * The producer's linger: longer than a round takes to append its records, shorter than the
     * delivery timeout minus the request timeout (Kafka's rule). Never waited for: each round flushes.
     */
    static final Duration ROUND_LINGER = Duration.ofSeconds(1);
    /** How long a round in progress may go on at shutdown before it is interrupted. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    EveryCloudConfig config;

    @Inject
    MeterRegistry meters;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private volatile boolean kafkaReachable = true;
    private volatile boolean crashAfterNextSend;
    private WakeableWorker worker;
    private KafkaProducer<String, String> producer;
    private Counter sent;
    private Counter failures;
    private volatile Stats stats = new Stats(0, 0, Instant.EPOCH);
    private Instant nextPrune = Instant.EPOCH;

    record Stats(long pending, double oldestAgeSeconds, Instant readAt) {
    }

    void start(@Observes StartupEvent event) {
        sent = meters.counter("everycloud.outbox.sent");
        failures = meters.counter("everycloud.outbox.send.failures");
        Gauge.builder("everycloud.outbox.pending", this, r -> r.stats().pending())
                .description("outbox events not yet sent to Kafka").register(meters);
        Gauge.builder("everycloud.outbox.oldest.pending.age.seconds", this, r -> r.stats().oldestAgeSeconds())
                .description("age of the oldest unsent outbox row").register(meters);
        if (!config.outbox().enabled()) {
            return;
        }
        // 200 ms after the first failure, doubled up to outbox.max-backoff (5 s by default)
        worker = new WakeableWorker("outbox-relay", config.outbox().pollInterval(), config.outbox().linger(),
                new Backoff(FIRST_BACKOFF, config.outbox().maxBackoff()), this::round, new WakeableWorker.Listener() {
                    @Override
                    public void failed(Exception error, int consecutive, Duration backoff) {
                        kafkaReachable = !(error instanceof KafkaSendException);
                        failures.increment();
                        if (consecutive == 1) {
                            LOG.warnf("outbox relay: %s; retrying every %d ms at most", error.getMessage(),
                                    config.outbox().maxBackoff().toMillis());
                        } else {
                            LOG.debugf("outbox relay attempt %d failed: %s", consecutive, error.getMessage());
                        }
                    }

                    @Override
                    public void recovered(int failedRounds) {
                        LOG.info("outbox relay: Kafka reachable again, pending events sent");
                    }
                });
        worker.start();
    }

    /** Stops the relay thread (bounded) before the datasource and the producer close. */
    void stop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.stop(STOP_GRACE);
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Asks the relay to look at the outbox now. */
    public void wake() {
        if (worker != null) {
            worker.wake();
        }
    }

    /** Whether the last attempt to reach Kafka succeeded. */
    public boolean kafkaReachable() {
        return kafkaReachable;
    }

    /** Test hook: the next round sends its rows and then fails before marking them, as a crash would. */
    void crashAfterNextSend() {
        crashAfterNextSend = true;
    }

    /** Relays full batches while there are more, then prunes when due; throws while Kafka or the database fails. */
    private boolean round() throws SQLException, InterruptedException {
        int relayed;
        do {
            relayed = relayBatch();
        } while (relayed >= config.outbox().batchSize() && worker.isRunning());
        kafkaReachable = true;
        pruneWhenDue();
        return false;
    }

    /** Sends one batch; returns how many events were relayed. */
    int relayBatch() throws SQLException, InterruptedException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!tryLock(connection)) {
                    connection.rollback();
                    return 0;
                }
                List<Row> rows = pending(connection);
                if (rows.isEmpty()) {
                    connection.commit();
                    return 0;
                }
                List<Long> delivered = send(rows);
                if (crashAfterNextSend) {
                    crashAfterNextSend = false;
                    throw new IllegalStateException("simulated crash after sending " + delivered.size() + " rows");
                }
                markSent(connection, delivered);
                connection.commit();
                int events = 0;
                int sentEvents = 0;
                Set<Long> deliveredIds = new HashSet<>(delivered);
                for (Row row : rows) {
                    events += row.events.size();
                    sentEvents += deliveredIds.contains(row.id) ? row.events.size() : 0;
                }
                sent.increment(sentEvents);
                if (delivered.size() < rows.size()) {
                    throw new KafkaSendException((events - sentEvents) + " events not acknowledged by Kafka");
                }
                return events;
            } catch (SQLException | RuntimeException | InterruptedException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, RELAY_LOCK);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Pending rows in id order, up to {@code batchSize} events (a packed row counts its events; at least one row). */
    private List<Row> pending(Connection connection) throws SQLException {
        int limit = config.outbox().batchSize();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, topic, message_key, payload FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?")) {
            select.setInt(1, limit);
            // rows come in pages, so packed rows beyond the limit are not all read
            select.setFetchSize(Math.min(limit, 50));
            List<Row> rows = new ArrayList<>();
            int events = 0;
            try (ResultSet rs = select.executeQuery()) {
                while (events < limit && rs.next()) {
                    Row row = new Row(rs.getLong(1), rs.getString(2),
                            PackedEvents.unpack(rs.getString(3), rs.getString(4)));
                    rows.add(row);
                    events += row.events.size();
                }
            }
            return rows;
        }
    }

    /**
     * Sends every row's events and returns the ids of the rows Kafka acknowledged entirely, keeping
     * per-key order: after a key fails, its later events wait (a packed row that failed in part
     * is sent again whole; consumers' inboxes drop the duplicates).
     */
    private List<Long> send(List<Row> rows) throws InterruptedException {
        KafkaProducer<String, String> kafka = producer();
        List<List<Future<?>>> futures = new ArrayList<>(rows.size());
        try {
            // Fails fast (max.block.ms) when the broker is away, instead of blocking once per row.
            rows.stream().map(Row::topic).distinct().forEach(kafka::partitionsFor);
            for (Row row : rows) {
                List<Future<?>> sends = new ArrayList<>(row.events.size());
                for (PackedEvents.Event event : row.events) {
                    sends.add(kafka.send(new ProducerRecord<>(row.topic, event.key(), event.payload())));
                }
                futures.add(sends);
            }
        } catch (RuntimeException e) {
            throw new KafkaSendException("Kafka unreachable: " + e.getMessage());
        }
        kafka.flush();
        List<Long> delivered = new ArrayList<>(rows.size());
        Set<String> failedKeys = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            boolean acknowledged = true;
            for (int j = 0; j < row.events.size(); j++) {
                try {
                    futures.get(i).get(j).get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    acknowledged = false;
                }
            }
            boolean blocked = false;
            for (PackedEvents.Event event : row.events) {
                blocked |= failedKeys.contains(row.topic + '\0' + event.key());
            }
            if (acknowledged && !blocked) {
                delivered.add(row.id);
            } else {
                row.events.forEach(event -> failedKeys.add(row.topic + '\0' + event.key()));
            }
        }
        if (delivered.isEmpty()) {
            throw new KafkaSendException("Kafka did not acknowledge " + rows.size() + " outbox rows");
        }
        return delivered;
    }

    private static void markSent(Connection connection, List<Long> ids) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE outbox SET sent_at = now() WHERE id = ANY (?)")) {
            Array array = connection.createArrayOf("bigint", ids.toArray());
            update.setArray(1, array);
            update.executeUpdate();
        }
    }

    private void pruneWhenDue() throws SQLException {
        Instant now = Instant.now();
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plus(Duration.ofMinutes(10));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement outbox = connection.prepareStatement(
                        "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < now() - make_interval(secs => ?)");
                PreparedStatement inbox = connection.prepareStatement(
                        "DELETE FROM inbox WHERE applied_at < now() - make_interval(secs => ?)")) {
            outbox.setDouble(1, config.outbox().retention().toSeconds());
            int prunedOutbox = outbox.executeUpdate();
            inbox.setDouble(1, config.inbox().retention().toSeconds());
            int prunedInbox = inbox.executeUpdate();
            if (prunedOutbox + prunedInbox > 0) {
                LOG.debugf("pruned %d sent outbox rows and %d inbox ids", prunedOutbox, prunedInbox);
            }
        }
    }

    /** Pending count and oldest pending age, read at most every two seconds (for metrics scrapes). */
    Stats stats() {
        Stats current = stats;
        if (current.readAt.isAfter(Instant.now().minusSeconds(2))) {
            return current;
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT coalesce(sum" + PackedEvents.EVENTS_OF_ROW_SQL + ", 0), "
                                + "coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox WHERE sent_at IS NULL");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            stats = new Stats(rs.getLong(1), rs.getDouble(2), Instant.now());
        } catch (SQLException e) {
            LOG.debugf("outbox stats unavailable: %s", e.getMessage());
        }
        return stats;
    }

    /**
     * Requests of every kind (produce, metadata) the relay's producer has sent so far (Kafka's
     * {@code request-total}); 0 before the first round.
     */
    synchronized double requestsSent() {
        if (producer == null) {
            return 0;
        }
        return producer.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("request-total") && m.getKey().group().equals("producer-metrics"))
                .mapToDouble(m -> ((Number) m.getValue().metricValue()).doubleValue()).sum();
    }

    private synchronized KafkaProducer<String, String> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                    // A round appends all its records, then flushes (which sends at once whatever the linger):
                    // the linger only keeps the sender thread from sending the first records alone while the
                    // rest are appended, so a round is one produce request per broker instead of several.
                    ProducerConfig.LINGER_MS_CONFIG, (int) ROUND_LINGER.toMillis(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        }
        return producer;
    }

    private record Row(long id, String topic, List<PackedEvents.Event> events) {
    }

    /** Kafka did not take (all) the events. */
    static final class KafkaSendException extends RuntimeException {
        KafkaSendException(String message) {
            super(message, null, false, false);
        }
    }
}
