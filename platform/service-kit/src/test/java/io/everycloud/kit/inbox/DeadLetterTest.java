package io.everycloud.kit.inbox;

import static io.everycloud.kit.KitTestSupport.applied;
import static io.everycloud.kit.KitTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.kit.KitTestSupport;
import io.everycloud.kit.testapp.AppliedListener;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeadLetterTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aPoisonEventGoesToTheDeadLetterTopicWithItsErrorAndThePartitionMovesOn() {
        Envelope poison = written("poison-1", "bad");
        Envelope next = written("after-poison", "good");
        // Same key, so both land on the same partition, the good one behind the poison one.
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "same-key", poison.toJson());
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "same-key", next.toJson());

        await(() -> applied(dataSource, "after-poison"), rows -> rows.size() == 1, PATIENCE, "the next event applied");
        List<ConsumerRecord<String, String>> dead = await(() -> deadLetters(poison.id().toString()), r -> !r.isEmpty(),
                PATIENCE, "the poison event in " + Topics.deadLetter(Topics.REGISTRY_RESOURCE));

        assertThat(applied(dataSource, "poison-1")).isEmpty();
        assertThat(header(dead.get(0), "dead-letter-reason")).contains("cannot apply poison-1");
    }

    @Test
    void anEventWhoseDatabaseIsDownIsRetriedPastTheAttemptsAndAppliedOnceNotDeadLettered() {
        // 6 failures as a lost connection (08006), more than everycloud.inbox.attempts (3)
        Envelope flaky = written("db-down-6-a", "held");
        Envelope next = written("after-db-down", "behind");
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "db-down-key", flaky.toJson());
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "db-down-key", next.toJson());

        await(() -> applied(dataSource, "after-db-down"), rows -> rows.size() == 1, PATIENCE, "the event behind it applied");
        List<KitTestSupport.Applied> applied = applied(dataSource, "db-down-6-a");
        assertThat(applied).extracting(KitTestSupport.Applied::eventId).containsExactly(flaky.id());
        assertThat(AppliedListener.ATTEMPTS.get(flaky.id())).hasValue(7);
        // same partition, in order: the event behind waited for the held one
        assertThat(KitTestSupport.count(dataSource, "SELECT count(*) FROM applied WHERE subject = 'db-down-6-a' AND seq < "
                + "(SELECT seq FROM applied WHERE subject = 'after-db-down')")).isEqualTo(1);
        // a poison event sent afterwards reaches the dead-letter topic, the held one never did
        Envelope poison = written("poison-after-db-down", "bad");
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "db-down-key", poison.toJson());
        await(() -> deadLetters(poison.id().toString()), r -> !r.isEmpty(), PATIENCE, "the later poison event dead-lettered");
        assertThat(deadLetters(flaky.id().toString())).isEmpty();
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterTopic() {
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "garbage-key", "{not json");
        Envelope next = written("after-garbage", "good");
        EventProbe.sendRaw(Topics.REGISTRY_RESOURCE, "garbage-key", next.toJson());

        await(() -> applied(dataSource, "after-garbage"), rows -> rows.size() == 1, PATIENCE, "the next event applied");
        List<ConsumerRecord<String, String>> dead = await(() -> EventProbe.records(Topics.deadLetter(Topics.REGISTRY_RESOURCE))
                .stream().filter(r -> "{not json".equals(r.value())).toList(), r -> !r.isEmpty(), PATIENCE, "garbage dead-lettered");
        assertThat(header(dead.get(0), "dead-letter-reason")).isNotBlank();
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        Envelope event = written("redelivered", "once");
        EventProbe.send(event);
        EventProbe.send(event);
        EventProbe.send(written("redelivered-marker", "x"));

        await(() -> applied(dataSource, "redelivered-marker"), rows -> rows.size() == 1, PATIENCE, "marker applied");
        assertThat(applied(dataSource, "redelivered")).hasSize(1);
    }

    private static Envelope written(String subject, String value) {
        return Envelope.of(subject, new RegistryEvents.ResourceWritten(subject, "data_in", "0:0", "device", Instant.now()));
    }

    private static List<ConsumerRecord<String, String>> deadLetters(String eventId) {
        return EventProbe.records(Topics.deadLetter(Topics.REGISTRY_RESOURCE)).stream()
                .filter(r -> r.value() != null && r.value().contains(eventId)).toList();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }
}
