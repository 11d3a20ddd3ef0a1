package io.everycloud.kit.testapp;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Applies resource writes into the {@code applied} table through the inbox; subjects starting with
 * "poison" always fail; a subject "db-down-N-..." fails N times as a lost database connection
 * (SQLState 08006) before it applies.
 */
@ApplicationScoped
public class AppliedListener {

    @Inject
    Inbox inbox;

    @Inject
    AgroalDataSource dataSource;

    @Incoming(Channels.REGISTRY_RESOURCE)
    @Blocking
    public void onResource(String message) {
        inbox.handle("kit-test", message, this::apply);
    }

    /** How many times each event was handed to the handler (its id to the count). */
    public static final Map<UUID, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();

    /** Applies one event (public: {@link BatchAppliedListener} applies the same way, a batch at a time). */
    public void apply(Envelope envelope) {
        int attempt = ATTEMPTS.computeIfAbsent(envelope.id(), id -> new AtomicInteger()).incrementAndGet();
        if (envelope.subject().startsWith("poison")) {
            throw new IllegalStateException("cannot apply " + envelope.subject());
        }
        if (envelope.subject().startsWith("db-down-")) {
            int failures = Integer.parseInt(envelope.subject().split("-")[2]);
            if (attempt <= failures) {
                throw new IllegalStateException("could not write",
                        new SQLException("An I/O error occurred while sending to the backend.", "08006"));
            }
        }
        record(dataSource, envelope);
    }

    /** Writes the event's effect, a row of {@code applied} (the test app's listeners share it). */
    public static void record(AgroalDataSource dataSource, Envelope envelope) {
        RegistryEvents.ResourceWritten written = envelope.dataAs(RegistryEvents.ResourceWritten.class);
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO applied (event_id, subject, value) VALUES (?, ?, ?)")) {
            insert.setObject(1, envelope.id());
            insert.setString(2, envelope.subject());
            insert.setString(3, written.value());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
