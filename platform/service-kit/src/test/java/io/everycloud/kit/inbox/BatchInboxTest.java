package io.everycloud.kit.inbox;

import static io.everycloud.kit.KitTestSupport.applied;
import static io.everycloud.kit.KitTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.KitTestSupport;
import io.everycloud.kit.testapp.AppliedListener;
import io.everycloud.kit.testapp.BatchAppliedListener;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Postgres;
import io.everycloud.testkit.TestInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The batch inbox ({@link Inbox#handleBatch}) on a real batch channel ({@link BatchAppliedListener},
 * at most 50 records a poll): each event applied once and in order per key, redeliveries dropped,
 * only a poison event dead-lettered, a closed database waited for.
 */
@QuarkusTest
class BatchInboxTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String DLQ = BatchAppliedListener.TOPIC + ".dlq";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @Test
    void aBurstIsAppliedInBatchesEachEventOnceAndInOrderPerKey() {
        String run = run();
        // ten keys, twenty events each, interleaved as a busy producer sends them
        List<ProducerRecord<String, String>> burst = new ArrayList<>();
        Map<Integer, List<UUID>> idsPerKey = new java.util.HashMap<>();
        for (int i = 0; i < 20; i++) {
            for (int k = 0; k < 10; k++) {
                Envelope event = written("burst-" + run + "-" + k, Integer.toString(i));
                idsPerKey.computeIfAbsent(k, x -> new ArrayList<>()).add(event.id());
                burst.add(record(event.subject(), event.toJson()));
            }
        }
        double appliedBefore = counter("everycloud.inbox.applied");
        send(burst);

        await(() -> rows("subject LIKE 'burst-" + run + "-%'"), n -> n >= 200, PATIENCE, "the 200 events applied");
        for (int k = 0; k < 10; k++) {
            List<KitTestSupport.Applied> rows = applied(dataSource, "burst-" + run + "-" + k);
            assertThat(rows).extracting(KitTestSupport.Applied::value)
                    .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(Integer::toString).toList());
            assertThat(rows).extracting(KitTestSupport.Applied::eventId).containsExactlyElementsOf(idsPerKey.get(k));
        }
        assertThat(rows("subject LIKE 'burst-" + run + "-%'")).isEqualTo(200);
        assertThat(counter("everycloud.inbox.applied")).isGreaterThanOrEqualTo(appliedBefore + 200);
        // the records came in batches, not one at a time
        assertThat(BatchAppliedListener.BATCHES).anyMatch(batch -> batch.stream()
                .filter(value -> value != null && value.contains("burst-" + run)).count() > 1);
    }

    @Test
    void aRedeliveredBatchIsAppliedZeroMoreTimes() {
        String run = run();
        String key = "again-" + run;
        List<Envelope> events = IntStream.range(0, 10).mapToObj(i -> written(key, Integer.toString(i))).toList();
        send(events.stream().map(e -> record(key, e.toJson())).toList());
        await(() -> applied(dataSource, key), rows -> rows.size() == 10, PATIENCE, "the first delivery applied");
        double duplicatesBefore = counter("everycloud.inbox.duplicates");

        // the same records again (what a lost offset commit or a rebalance delivers), then a marker behind them
        List<ProducerRecord<String, String>> again = new ArrayList<>(events.stream().map(e -> record(key, e.toJson())).toList());
        again.add(record(key, written("again-marker-" + run, "x").toJson()));
        send(again);

        await(() -> applied(dataSource, "again-marker-" + run), rows -> rows.size() == 1, PATIENCE, "the marker applied");
        assertThat(applied(dataSource, key)).extracting(KitTestSupport.Applied::eventId)
                .containsExactlyElementsOf(events.stream().map(Envelope::id).toList());
        assertThat(counter("everycloud.inbox.duplicates")).isEqualTo(duplicatesBefore + 10);
    }

    @Test
    void onePoisonEventAmongGoodOnesGoesAloneToTheDeadLetterTopicAndTheOthersApply() {
        String run = run();
        String key = "mixed-" + run;
        List<Envelope> good = IntStream.range(0, 4).mapToObj(i -> written(key, Integer.toString(i))).toList();
        Envelope poison = written("poison-batch-" + run, "bad");
        String unreadable = "{not json " + run;
        double deadBefore = counter("everycloud.inbox.dead.lettered");
        // one key: one partition, one burst, so the poison event shares a batch with good ones
        send(List.of(record(key, good.get(0).toJson()), record(key, good.get(1).toJson()), record(key, poison.toJson()),
                record(key, unreadable), record(key, good.get(2).toJson()), record(key, good.get(3).toJson())));

        await(() -> applied(dataSource, key), rows -> rows.size() == 4, PATIENCE, "the four good events applied");
        List<ConsumerRecord<String, String>> dead = await(() -> deadLetters(run), r -> r.size() >= 2, PATIENCE,
                "the poison event and the unreadable record in " + DLQ);

        assertThat(applied(dataSource, key)).extracting(KitTestSupport.Applied::eventId)
                .containsExactlyElementsOf(good.stream().map(Envelope::id).toList());
        assertThat(applied(dataSource, poison.subject())).isEmpty();
        assertThat(dead).extracting(ConsumerRecord::value).containsExactlyInAnyOrder(poison.toJson(), unreadable);
        ConsumerRecord<String, String> poisoned = dead.stream().filter(r -> r.value().equals(poison.toJson())).findFirst().orElseThrow();
        assertThat(header(poisoned, "dead-letter-reason")).contains("cannot apply poison-batch-" + run);
        assertThat(header(poisoned, "dead-letter-topic")).isEqualTo(BatchAppliedListener.TOPIC);
        assertThat(header(poisoned, "dead-letter-offset")).matches("[0-9]+");
        assertThat(poisoned.key()).isEqualTo(key);
        ConsumerRecord<String, String> garbage = dead.stream().filter(r -> r.value().equals(unreadable)).findFirst().orElseThrow();
        assertThat(header(garbage, "dead-letter-reason")).isNotBlank();
        assertThat(counter("everycloud.inbox.dead.lettered")).isEqualTo(deadBefore + 2);
        // the poison event was in a batch with good ones, whose transaction was rolled back and applied one by one
        assertThat(BatchAppliedListener.BATCHES).anyMatch(batch -> batch.contains(poison.toJson())
                && batch.contains(good.get(0).toJson()));
        // once in the batch, then everycloud.inbox.attempts (3) times alone
        assertThat(AppliedListener.ATTEMPTS.get(poison.id())).hasValue(4);
    }

    @Test
    void aBatchArrivingWhileTheDatabaseIsClosedIsAppliedOnceAfterItOpensAndNeverDeadLettered() {
        String run = run();
        String key = "closed-" + run;
        List<Envelope> events = IntStream.range(0, 20).mapToObj(i -> written(key, Integer.toString(i))).toList();
        Postgres postgres = TestInfrastructure.postgres();
        String url = ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class);
        String database = url.substring(url.lastIndexOf('/') + 1);
        double unavailableBefore = counter("everycloud.inbox.database.unavailable");
        postgres.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
        try {
            postgres.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            send(events.stream().map(e -> record(key, e.toJson())).toList());
            // more failed tries than everycloud.inbox.attempts (3) before the database opens again
            await(() -> counter("everycloud.inbox.database.unavailable"), n -> n >= unavailableBefore + 6, PATIENCE,
                    "the batch retried while the database is closed");
        } finally {
            postgres.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS true");
        }

        await(() -> applied(dataSource, key), rows -> rows.size() >= 20, PATIENCE, "the 20 events applied");
        assertThat(applied(dataSource, key)).extracting(KitTestSupport.Applied::eventId)
                .containsExactlyElementsOf(events.stream().map(Envelope::id).toList());
        assertThat(deadLetters(run)).isEmpty();
    }

    @Test
    void aBatchWhoseDatabaseFailsMidwayIsRetriedWholeAndAppliedOnceInOrder() {
        String run = run();
        String key = "midway-" + run;
        Envelope before = written(key + "-a", "before");
        // fails 5 times as a lost connection (08006) inside the batch's transaction, more than the attempts (3)
        Envelope flaky = written("db-down-5-" + run, "held");
        Envelope after = written(key + "-b", "after");
        send(List.of(record(key, before.toJson()), record(key, flaky.toJson()), record(key, after.toJson())));

        await(() -> applied(dataSource, key + "-b"), rows -> rows.size() == 1, PATIENCE, "the event behind it applied");
        assertThat(applied(dataSource, key + "-a")).extracting(KitTestSupport.Applied::eventId).containsExactly(before.id());
        assertThat(applied(dataSource, flaky.subject())).extracting(KitTestSupport.Applied::eventId).containsExactly(flaky.id());
        assertThat(AppliedListener.ATTEMPTS.get(flaky.id())).hasValue(6);
        assertThat(rows("subject = '" + flaky.subject() + "' AND seq < (SELECT seq FROM applied WHERE subject = '" + key
                + "-b')")).isEqualTo(1);
        assertThat(rows("subject = '" + key + "-a' AND seq < (SELECT seq FROM applied WHERE subject = '" + flaky.subject()
                + "')")).isEqualTo(1);
        assertThat(deadLetters(run)).isEmpty();
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Envelope written(String subject, String value) {
        return Envelope.of(subject, new RegistryEvents.ResourceWritten(subject, "data_in", value, "device", Instant.now()));
    }

    private static ProducerRecord<String, String> record(String key, String value) {
        return new ProducerRecord<>(BatchAppliedListener.TOPIC, key, value);
    }

    /** One producer for the whole burst, lingering so the records travel (and are polled) together. */
    private static void send(List<ProducerRecord<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "100",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
            List<Future<RecordMetadata>> sent = records.stream().map(producer::send).toList();
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not publish the burst: " + e.getMessage(), e);
        }
    }

    private long rows(String where) {
        return KitTestSupport.count(dataSource, "SELECT count(*) FROM applied WHERE " + where);
    }

    private double counter(String name) {
        Counter counter = meters.find(name).tag("consumer", BatchAppliedListener.CONSUMER).counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<ConsumerRecord<String, String>> deadLetters(String run) {
        return EventProbe.records(DLQ).stream().filter(r -> r.value() != null && r.value().contains(run)).toList();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
