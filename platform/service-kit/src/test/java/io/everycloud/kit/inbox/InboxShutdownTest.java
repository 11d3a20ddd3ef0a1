package io.everycloud.kit.inbox;

import static io.everycloud.kit.KitTestSupport.applied;
import static io.everycloud.kit.KitTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.KitTestSupport;
import io.everycloud.kit.testapp.HeldListener;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.TestInfrastructure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A service stopping under a running inbox ({@link HeldListener}): the event being handled, and every
 * one behind it, is neither applied nor dead-lettered nor committed, and after the restart (simulated:
 * {@link Inbox#resume()}, then the uncommitted records delivered again) each is applied once.
 */
@QuarkusTest
class InboxShutdownTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    Inbox inbox;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    @AfterEach
    void restart() {
        HeldListener.failure = HeldListener.Failure.NONE;
        CountDownLatch gate = HeldListener.gate;
        HeldListener.gate = null;
        if (gate != null) {
            gate.countDown();
        }
        inbox.resume();
    }

    @Test
    void anEventWhoseWorkerIsInterruptedWhileTheDatabaseIsDownIsHeldNotDeadLetteredAndAppliedOnceAfterTheRestart() {
        String run = run();
        Envelope held = written("held-" + run, "first");
        Envelope behind = written("held-" + run + "-behind", "second");
        double heldBefore = heldCount();
        HeldListener.failure = HeldListener.Failure.DATABASE_DOWN;
        // one key: one partition, the second record behind the first
        EventProbe.sendAllRaw(HeldListener.TOPIC, List.of(Map.entry(run, held.toJson()), Map.entry(run, behind.toJson())));
        await(() -> attempts(held), n -> n >= 2, PATIENCE, "the first event waiting for the database");

        // what Quarkus does to a busy worker when it stops
        HeldListener.WORKER.get().interrupt();

        // the interrupted event, and the one behind it, refused without being applied
        await(this::heldCount, n -> n >= heldBefore + 2, PATIENCE, "both events held");
        assertThat(applied(dataSource, held.subject())).isEmpty();
        assertThat(applied(dataSource, behind.subject())).isEmpty();
        assertNothingCommittedFrom(HeldListener.TOPIC, "kit-held", held);
        // an inbox that holds everything while the service is not stopping: not alive, so the platform restarts it
        assertThat(inboxLiveness()).as("the inbox's liveness check after an interrupt outside a shutdown").isEqualTo("DOWN");

        // the restart: the records come again (their offsets were not committed) and apply, once each, in order
        inbox.resume();
        assertThat(inboxLiveness()).as("the inbox's liveness check after the restart").isEqualTo("UP");
        HeldListener.failure = HeldListener.Failure.NONE;
        EventProbe.sendAllRaw(HeldListener.TOPIC, List.of(Map.entry(run, held.toJson()), Map.entry(run, behind.toJson())));
        await(() -> applied(dataSource, behind.subject()), rows -> rows.size() == 1, PATIENCE, "the second event applied");
        assertThat(applied(dataSource, held.subject())).extracting(KitTestSupport.Applied::eventId).containsExactly(held.id());
        assertThat(KitTestSupport.count(dataSource, "SELECT count(*) FROM applied WHERE subject = '" + held.subject()
                + "' AND seq < (SELECT seq FROM applied WHERE subject = '" + behind.subject() + "')")).isEqualTo(1);
        assertThat(deadLetters(HeldListener.TOPIC, run)).isEmpty();
    }

    @Test
    void aBatchWhoseDatasourceClosesWhileTheServiceStopsIsHeldNotDeadLetteredAndAppliedOnceAfterTheRestart() {
        String run = run();
        List<Envelope> events = IntStream.range(0, 3).mapToObj(i -> written("held-batch-" + run + "-" + i, "v" + i)).toList();
        double heldBefore = heldCount();
        HeldListener.gate = new CountDownLatch(1);
        EventProbe.sendAllRaw(HeldListener.BATCH_TOPIC, events.stream().map(e -> Map.entry(run, e.toJson())).toList());
        await(() -> attempts(events.get(0)), n -> n >= 1, PATIENCE, "the batch's handler running");

        // the shutdown: first the event, then the datasource closed under the running handler
        inbox.onShutdown(null);
        HeldListener.failure = HeldListener.Failure.POOL_CLOSED;
        HeldListener.gate.countDown();

        await(this::heldCount, n -> n >= heldBefore + 1, PATIENCE, "the batch held");
        assertThat(inboxLiveness()).as("the inbox's liveness check while the service stops").isEqualTo("UP");
        for (Envelope event : events) {
            assertThat(applied(dataSource, event.subject())).isEmpty();
        }

        // the restart: the records come again and apply, once each (here through the consumer's other channel,
        // the batch channel stays held as it would until the process ends)
        inbox.resume();
        HeldListener.failure = HeldListener.Failure.NONE;
        EventProbe.sendAllRaw(HeldListener.TOPIC, events.stream().map(e -> Map.entry(run, e.toJson())).toList());
        await(() -> applied(dataSource, events.get(2).subject()), rows -> rows.size() == 1, PATIENCE, "the last event applied");
        for (Envelope event : events) {
            assertThat(applied(dataSource, event.subject())).extracting(KitTestSupport.Applied::eventId)
                    .containsExactly(event.id());
        }
        assertThat(deadLetters(HeldListener.BATCH_TOPIC, run)).isEmpty();
        assertThat(deadLetters(HeldListener.TOPIC, run)).isEmpty();
        // still not acknowledged, long after: it would have come again after a real restart
        assertNothingCommittedFrom(HeldListener.BATCH_TOPIC, "kit-held-batch", events.get(0));
    }

    @Test
    void onceStoppingAnEventIsRefusedWithoutBeingAppliedOrDeadLettered() {
        String run = run();
        Envelope event = written("held-refused-" + run, "x");
        double heldBefore = heldCount();
        inbox.onShutdown(null);
        EventProbe.sendRaw(HeldListener.TOPIC, run, event.toJson());
        EventProbe.sendRaw(HeldListener.TOPIC, run, "{not json " + run);

        await(this::heldCount, n -> n >= heldBefore + 2, PATIENCE, "both records refused");
        assertThat(attempts(event)).isZero();
        assertNothingCommittedFrom(HeldListener.TOPIC, "kit-held", event);

        // after the restart: a later record is handled only once the refused ones' failures were handled
        // (dead-lettered, had they been), so their absence from the dead-letter topic is then final
        inbox.resume();
        Envelope marker = written("held-refused-" + run + "-marker", "y");
        EventProbe.sendRaw(HeldListener.TOPIC, run, marker.toJson());
        await(() -> applied(dataSource, marker.subject()), rows -> rows.size() == 1, PATIENCE, "a later event applied");
        assertThat(applied(dataSource, event.subject())).isEmpty();
        assertThat(deadLetters(HeldListener.TOPIC, run)).isEmpty();
    }

    /** The consumer group's committed offset of the event's partition is not past the event. */
    private static void assertNothingCommittedFrom(String topic, String group, Envelope event) {
        ConsumerRecord<String, String> record = EventProbe.records(topic).stream()
                .filter(r -> r.value() != null && r.value().contains(event.id().toString())).findFirst().orElseThrow();
        TopicPartition partition = new TopicPartition(topic, record.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestInfrastructure.kafka().bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(partition);
            assertThat(committed == null ? 0 : committed.offset()).as("committed offset of " + partition)
                    .isLessThanOrEqualTo(record.offset());
        } catch (Exception e) {
            throw new AssertionError("could not read the offsets of " + group + ": " + e.getMessage(), e);
        }
    }

    private static int attempts(Envelope event) {
        AtomicInteger attempts = HeldListener.ATTEMPTS.get(event.id());
        return attempts == null ? 0 : attempts.get();
    }

    private double heldCount() {
        Counter counter = meters.find("everycloud.inbox.held").tag("consumer", HeldListener.CONSUMER).counter();
        return counter == null ? 0 : counter.count();
    }

    private static List<ConsumerRecord<String, String>> deadLetters(String topic, String run) {
        return EventProbe.records(topic + ".dlq").stream().filter(r -> r.value() != null && r.value().contains(run)).toList();
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Envelope written(String subject, String value) {
        return Envelope.of(subject, new RegistryEvents.ResourceWritten(subject, "data_in", value, "device", Instant.now()));
    }

    /** The status of the inbox's own check in /q/health/live (other checks of the shared test app may be down). */
    private static String inboxLiveness() {
        return io.restassured.RestAssured.given().when().get("/q/health/live").then().extract()
                .path("checks.find { it.name == 'inbox' }.status");
    }
}
