package io.everycloud.kit.testapp;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.RegistryEvents;
import io.everycloud.kit.inbox.Channels;
import io.everycloud.kit.inbox.Inbox;
import io.smallrye.reactive.messaging.annotations.Blocking;

/** Applies resource writes into the {@code applied} table through the inbox; subjects starting with "poison" always fail. */
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

    private void apply(Envelope envelope) {
        if (envelope.subject().startsWith("poison")) {
            throw new IllegalStateException("cannot apply " + envelope.subject());
        }
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
