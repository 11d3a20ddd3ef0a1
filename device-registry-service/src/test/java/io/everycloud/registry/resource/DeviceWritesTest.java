package io.everycloud.registry.resource;

import static io.everycloud.registry.Fleet.newIdentity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.Fleet;
import io.quarkus.test.junit.QuarkusTest;

/** The group commit: a group is stored whole or not at all, and one bad write fails alone. */
@QuarkusTest
class DeviceWritesTest {

    @Inject
    ResourceWriter writer;

    @Inject
    DeviceWrites writes;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aGroupWithAWriteThatCannotBeStoredLeavesNothingHalfWritten() throws SQLException {
        String good = newIdentity("group-good");
        Fleet.provisionAndActivate(good);
        String unknown = newIdentity("group-unknown");

        assertThatThrownBy(() -> writer.applyAlone(List.of(write(good, "1"), write(unknown, "2"))))
                .isInstanceOf(IllegalStateException.class);

        assertThat(count("SELECT count(*) FROM resource_value WHERE identity = ?", good))
                .as("the good write's value rolled back with the group").isZero();
        assertThat(count("SELECT count(*) FROM outbox WHERE topic = ? AND position(? IN message_key) > 0", Topics.REGISTRY_RESOURCE, good))
                .as("nor was its event announced").isZero();
    }

    @Test
    void aGroupIsStoredWithItsEventsInOneTransaction() throws SQLException {
        String first = newIdentity("group-a");
        String second = newIdentity("group-b");
        Fleet.provisionAndActivate(first);
        Fleet.provisionAndActivate(second);

        writer.applyAlone(List.of(write(first, "10"), write(second, "20")));

        assertThat(count("SELECT count(*) FROM resource_value WHERE identity IN (?, ?) AND alias = 'data_in'", first, second))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM outbox WHERE topic = ? AND position(? IN message_key) > 0 "
                + "AND position(? IN message_key) > 0", Topics.REGISTRY_RESOURCE, first, second)).as("both events in the group's one packed outbox row").isEqualTo(1);
    }

    @Test
    void aGroupOfAliasWritesCommitsItsValuesAndItsEventsTogetherAndKeepsTheNewestValue() throws SQLException {
        String device = newIdentity("group-one");
        Fleet.provisionAndActivate(device);
        Instant now = Instant.now();
        DeviceWrite newer = new DeviceWrite(device, List.of(Point.now("data_in", "new", now), Point.now("note", "kept", now)),
                RegistryEvents.ResourceWritten.FROM_DEVICE);
        DeviceWrite older = new DeviceWrite(device, List.of(Point.now("data_in", "old", now.minusSeconds(5))),
                RegistryEvents.ResourceWritten.FROM_DEVICE);

        writer.applyAlone(List.of(newer, older));

        assertThat(value(device)).as("the newest point wins whatever the order in the group").isEqualTo("new");
        assertThat(count("SELECT count(*) FROM resource_value WHERE identity = ? AND alias = 'note'", device)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM resource_value v JOIN outbox o ON o.xmin = v.xmin "
                + "WHERE v.identity = ? AND v.alias = 'data_in' AND o.topic = ? AND position(? IN o.message_key) > 0",
                device, Topics.REGISTRY_RESOURCE, device)).as("the value and its events in one transaction").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox WHERE topic = ? AND position(? IN payload) > 0 AND position('\"note\"' IN payload) > 0",
                Topics.REGISTRY_RESOURCE, device)).as("an alias that is not announced has no event").isZero();
    }

    @Test
    void aBadWriteQueuedWithGoodOnesFailsAloneWith503() throws Exception {
        String good = newIdentity("queued-good");
        Fleet.provisionAndActivate(good);
        String unknown = newIdentity("queued-unknown");

        DeviceWrite before = write(good, "a");
        DeviceWrite bad = write(unknown, "b");
        DeviceWrite after = write(good, "c");
        CompletableFuture<List<Point>> f1 = writes.submit(before);
        CompletableFuture<List<Point>> f2 = writes.submit(bad);
        CompletableFuture<List<Point>> f3 = writes.submit(after);

        assertThat(f1.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(f3.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThatThrownBy(() -> f2.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().status()).isEqualTo(503));
        assertThat(value(good)).as("the good writes stored, in order").isEqualTo("c");
    }

    private static DeviceWrite write(String identity, String value) {
        return new DeviceWrite(identity, List.of(Point.now("data_in", value, Instant.now())),
                RegistryEvents.ResourceWritten.FROM_DEVICE);
    }

    private long count(String sql, String... parameters) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String value(String identity) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT value FROM resource_value WHERE identity = ? AND alias = 'data_in'")) {
            s.setString(1, identity);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
