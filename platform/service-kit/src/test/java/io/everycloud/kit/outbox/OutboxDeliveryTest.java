package io.everycloud.kit.outbox;

import static io.everycloud.kit.KitTestSupport.applied;
import static io.everycloud.kit.KitTestSupport.await;
import static io.everycloud.kit.KitTestSupport.count;
import static io.everycloud.kit.KitTestSupport.createNote;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.Topics;
import io.everycloud.kit.KitTestSupport.Applied;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.EveryCloudTestResource;
import io.everycloud.testkit.KafkaBroker;
import io.everycloud.testkit.TestInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(EveryCloudTestResource.class)
class OutboxDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRelay relay;

    @Test
    void eventsArriveInOrderPerKey() {
        createNote("order-a", 20);
        createNote("order-b", 20);
        createNote("order-a", 5);

        List<Applied> a = await(() -> applied(dataSource, "order-a"), rows -> rows.size() == 25, PATIENCE, "25 events of order-a");
        List<Applied> b = await(() -> applied(dataSource, "order-b"), rows -> rows.size() == 20, PATIENCE, "20 events of order-b");

        assertThat(a.subList(0, 20)).extracting(Applied::value).allMatch(v -> v.endsWith(":" + v.split(":")[1]));
        assertThat(sequence(a.subList(0, 20))).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
        assertThat(sequence(a.subList(20, 25))).containsExactly(0, 1, 2, 3, 4);
        assertThat(sequence(b)).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
    }

    @Test
    void eventsPublishedWhileTheBrokerIsDownArriveInOrderAfterItReturns() {
        KafkaBroker kafka = TestInfrastructure.kafka();
        kafka.stop();
        try {
            createNote("outage", 10);
            createNote("outage", 5);
            assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND message_key = 'outage'"))
                    .as("events wait in the outbox while Kafka is away").isEqualTo(15);
        } finally {
            kafka.start();
        }

        List<Applied> rows = await(() -> applied(dataSource, "outage"), r -> r.size() >= 15, PATIENCE, "15 events after the outage");

        assertThat(rows).hasSize(15);
        assertThat(sequence(rows.subList(0, 10))).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(sequence(rows.subList(10, 15))).containsExactly(0, 1, 2, 3, 4);
        await(() -> count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), n -> n == 0, PATIENCE,
                "outbox drained");
    }

    @Test
    void aRelayCrashAfterSendingResendsAndTheInboxAppliesOnce() {
        relay.crashAfterNextSend();
        createNote("crash", 3);

        List<Envelope> onTopic = await(() -> EventProbe.events(Topics.REGISTRY_RESOURCE, e -> e.subject().equals("crash")),
                events -> events.size() >= 6, PATIENCE, "each of the 3 events sent twice");
        List<Applied> rows = await(() -> applied(dataSource, "crash"), r -> r.size() >= 3, PATIENCE, "3 events applied");

        assertThat(onTopic).hasSize(6);
        assertThat(onTopic.stream().map(Envelope::id).distinct()).hasSize(3);
        // Give the duplicates time to be consumed, then check nothing was applied twice.
        await(() -> count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), n -> n == 0, PATIENCE, "outbox drained");
        sleep(1500);
        assertThat(applied(dataSource, "crash")).hasSize(3).extracting(Applied::eventId).doesNotHaveDuplicates();
        assertThat(count(dataSource, "SELECT count(*) FROM inbox WHERE consumer = 'kit-test' AND event_id IN ("
                + "SELECT event_id FROM applied WHERE subject = 'crash')")).isEqualTo(3);
    }

    private static List<Integer> sequence(List<Applied> rows) {
        return rows.stream().map(r -> Integer.parseInt(r.value().split(":")[1])).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
