package io.everycloud.kit.outbox;

import static io.everycloud.kit.KitTestSupport.applied;
import static io.everycloud.kit.KitTestSupport.await;
import static io.everycloud.kit.KitTestSupport.count;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.kit.KitTestSupport.Applied;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.EveryCloudTestResource;
import io.everycloud.testkit.KafkaBroker;
import io.everycloud.testkit.TestInfrastructure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Events published together share one outbox row, and still arrive one record each, in order per key. */
@QuarkusTest
@QuarkusTestResource(EveryCloudTestResource.class)
class PackedOutboxTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRelay relay;

    @Inject
    Outbox outbox;

    @Test
    void eventsPublishedTogetherArriveOneRecordEachInOrderPerKey() {
        publish(30, "packed-a", "packed-b");

        List<Applied> a = await(() -> applied(dataSource, "packed-a"), r -> r.size() == 30, PATIENCE, "30 events of packed-a");
        List<Applied> b = await(() -> applied(dataSource, "packed-b"), r -> r.size() == 30, PATIENCE, "30 events of packed-b");
        assertThat(sequence(a)).containsExactlyElementsOf(IntStream.range(0, 30).boxed().toList());
        assertThat(sequence(b)).containsExactlyElementsOf(IntStream.range(0, 30).boxed().toList());
        List<Envelope> records = EventProbe.events(Topics.REGISTRY_RESOURCE, e -> List.of("packed-a", "packed-b").contains(e.subject()));
        assertThat(records).as("one Kafka record per event, keyed by its subject").hasSize(60)
                .extracting(Envelope::id).doesNotHaveDuplicates();
        assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE message_key LIKE 'packed-a%'"))
                .as("the 60 events share one outbox row").isEqualTo(1);
    }

    @Test
    void aRoundGoesToKafkaInOneRequest() {
        // the producer exists and knows the topic's partitions; nothing is left to send
        publish(1, "warm-up-round");
        await(() -> applied(dataSource, "warm-up-round"), r -> r.size() == 1, PATIENCE, "the warm-up event");
        await(() -> count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), n -> n == 0, PATIENCE, "outbox drained");
        double before = relay.requestsSent();

        // 24 events under 12 keys, spread over the topic's partitions, in one row: one round
        String[] subjects = IntStream.range(0, 12).mapToObj(i -> "round-" + i).toArray(String[]::new);
        publish(2, subjects);
        await(() -> count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), n -> n == 0, PATIENCE, "outbox drained");

        assertThat(EventProbe.events(Topics.REGISTRY_RESOURCE, e -> e.subject().startsWith("round-")))
                .as("one Kafka record per event").hasSize(24);
        assertThat(relay.requestsSent() - before).as("requests the relay's producer sent for the round").isEqualTo(1.0);
    }

    @Test
    void aPackedRowWaitsWhileTheBrokerIsDownAndArrivesWhole() {
        KafkaBroker kafka = TestInfrastructure.kafka();
        kafka.stop();
        try {
            publish(5, "packed-outage");
            assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND message_key LIKE 'packed-outage%'"))
                    .isEqualTo(1);
        } finally {
            kafka.start();
        }

        List<Applied> rows = await(() -> applied(dataSource, "packed-outage"), r -> r.size() >= 5, PATIENCE, "5 events after the outage");
        assertThat(sequence(rows)).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void aRelayCrashAfterSendingAPackedRowResendsItAndTheInboxAppliesOnce() {
        relay.crashAfterNextSend();
        publish(3, "packed-crash");

        List<Envelope> onTopic = await(() -> EventProbe.events(Topics.REGISTRY_RESOURCE, e -> e.subject().equals("packed-crash")),
                events -> events.size() >= 6, PATIENCE, "each of the 3 events sent twice");
        assertThat(onTopic).hasSize(6);
        assertThat(onTopic.stream().map(Envelope::id).distinct()).hasSize(3);
        await(() -> count(dataSource, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), n -> n == 0, PATIENCE, "outbox drained");
        List<Applied> rows = await(() -> applied(dataSource, "packed-crash"), r -> r.size() >= 3, PATIENCE, "3 events applied");
        assertThat(rows).hasSize(3).extracting(Applied::eventId).doesNotHaveDuplicates();
    }

    @Test
    void eventsWrittenInACallersJdbcTransactionArriveOnceItCommits() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            outbox.publishAll(c, events(4, "jdbc-commit"));
            assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE message_key LIKE 'jdbc-commit%'"))
                    .as("not visible before the commit").isZero();
            c.commit();
        }
        outbox.committed();

        List<Applied> rows = await(() -> applied(dataSource, "jdbc-commit"), r -> r.size() == 4, PATIENCE, "4 events of jdbc-commit");
        assertThat(sequence(rows)).containsExactly(0, 1, 2, 3);
        assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE message_key LIKE 'jdbc-commit%'"))
                .as("the 4 events share one outbox row").isEqualTo(1);
    }

    @Test
    void eventsOfARolledBackJdbcTransactionAreNeverWritten() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            outbox.publishAll(c, events(3, "jdbc-rollback"));
            c.rollback();
        }
        outbox.committed();

        assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE message_key LIKE 'jdbc-rollback%'")).isZero();
    }

    @Test
    void anEventWrittenByTheCallersOwnStatementArrivesOnceItCommits() {
        UUID id = QuarkusTransaction.requiringNew().call(() -> writeInOwnStatement("own-statement").envelope().id());

        List<Applied> rows = await(() -> applied(dataSource, "own-statement"), r -> r.size() == 1, PATIENCE, "the event");
        assertThat(rows.get(0).eventId()).isEqualTo(id);
        assertThat(EventProbe.events(Topics.REGISTRY_RESOURCE, e -> e.subject().equals("own-statement"))).hasSize(1);
    }

    @Test
    void anEventWrittenByTheCallersOwnStatementIsGoneWithItsRollback() {
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            writeInOwnStatement("own-statement-rollback");
            throw new IllegalStateException("the change fails after its statement");
        })).as("the transaction rolls back, after the statement ran").hasStackTraceContaining("the change fails after its statement");

        assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE message_key = 'own-statement-rollback'")).isZero();
    }

    /** The event of a statement that writes nothing else: its outbox row as the statement's only CTE. */
    private Outbox.Row writeInOwnStatement(String subject) {
        Outbox.Row row = outbox.prepare(subject, new RegistryEvents.ResourceWritten(subject, "data_in", "own:0",
                RegistryEvents.ResourceWritten.FROM_DEVICE, Instant.now()));
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("WITH announced AS (" + Outbox.Row.SQL + ") SELECT 1")) {
            row.bind(s, 1);
            s.executeQuery().close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return row;
    }

    @Test
    void rowsForTheCallersStatementArePackedAndCappedAtOneStatement() {
        Outbox.Rows packed = outbox.prepareAll(events(30, "prepared-all"));
        assertThat(packed.size()).as("30 events of one topic in one row").isEqualTo(1);
        assertThat(packed.fitsOneStatement()).isTrue();

        // a key with a line break cannot be packed: one row per event, more than one statement takes
        Outbox.Rows unpacked = outbox.prepareAll(events(501, "prepared\nall"));
        assertThat(unpacked.size()).isEqualTo(501);
        assertThat(unpacked.fitsOneStatement()).isFalse();
        assertThatThrownBy(unpacked::sql).isInstanceOf(IllegalStateException.class).hasMessageContaining("501 outbox rows");
    }

    @Test
    void aConnectionInAutoCommitModeIsRefusedAndWritesNothing() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> outbox.publishAll(c, events(2, "jdbc-autocommit")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("auto-commit");
        }
        assertThat(count(dataSource, "SELECT count(*) FROM outbox WHERE message_key LIKE 'jdbc-autocommit%'")).isZero();
    }

    private static List<Envelope> events(int count, String subject) {
        List<Envelope> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Envelope.of(subject, new RegistryEvents.ResourceWritten(subject, "data_in", "batch:" + i,
                    RegistryEvents.ResourceWritten.FROM_DEVICE, Instant.now())));
        }
        return events;
    }

    private static void publish(int count, String... subjects) {
        given().contentType(ContentType.JSON)
                .body("{\"subjects\":[\"" + String.join("\",\"", subjects) + "\"],\"count\":" + count + "}")
                .when().post("/notes/batch").then().statusCode(204);
    }

    private static List<Integer> sequence(List<Applied> rows) {
        return rows.stream().map(r -> Integer.parseInt(r.value().split(":")[1])).toList();
    }
}
