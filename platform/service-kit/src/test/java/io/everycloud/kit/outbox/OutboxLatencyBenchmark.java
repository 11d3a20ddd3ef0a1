package io.everycloud.kit.outbox;

import static io.everycloud.kit.KitTestSupport.await;
import static io.everycloud.kit.KitTestSupport.createNote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Commit-to-Kafka latency of the outbox when idle: one event at a time, the time between the
 * outbox row's commit and the broker's append time of the record. Not a test (asserts nothing);
 * run with {@code -Dbenchmark=true -Dtest=OutboxLatencyBenchmark}, figures go to docs/benchmarks.md.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class OutboxLatencyBenchmark {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void commitToKafkaLatencyWhenIdle() throws Exception {
        int rounds = Integer.getInteger("benchmark.rounds", 200);
        String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < rounds; i++) {
            createNote(prefix + "-" + i, 1);
            Thread.sleep(20); // idle between events: measure the wake-up path, not batching
        }
        await(() -> pending(), n -> n == 0, Duration.ofSeconds(60), "outbox drained");

        Map<UUID, Long> committedAt = committedAt(prefix);
        Map<UUID, Long> appendedAt = new HashMap<>();
        for (ConsumerRecord<String, String> record : EventProbe.records(Topics.REGISTRY_RESOURCE)) {
            if (record.key() != null && record.key().startsWith(prefix)) {
                appendedAt.put(Envelope.fromJson(record.value()).id(), record.timestamp());
            }
        }
        List<Long> latencies = new ArrayList<>();
        committedAt.forEach((id, at) -> {
            Long appended = appendedAt.get(id);
            if (appended != null) {
                latencies.add(appended - at);
            }
        });
        latencies.sort(Long::compare);
        System.out.printf("OUTBOX LATENCY commit->kafka over %d events: p50=%d ms p90=%d ms p99=%d ms max=%d ms%n",
                latencies.size(), pct(latencies, 50), pct(latencies, 90), pct(latencies, 99), latencies.get(latencies.size() - 1));
    }

    private long pending() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM outbox WHERE sent_at IS NULL")) {
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** created_at is when the row was inserted (clock_timestamp()), just before the commit. */
    private Map<UUID, Long> committedAt(String prefix) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT event_id, (extract(epoch FROM created_at) * 1000)::bigint FROM outbox WHERE message_key LIKE ?")) {
            s.setString(1, prefix + "%");
            ResultSet rs = s.executeQuery();
            while (rs.next()) {
                out.put(rs.getObject(1, UUID.class), rs.getLong(2));
            }
        }
        return out;
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
