package io.everycloud.registry.resource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.kit.outbox.OutboxRelay;

/**
 * The service-kit's outbox rows for many events in one statement: what
 * {@link io.everycloud.kit.outbox.Outbox#publish} stores one row at a time (same table, columns,
 * topic and key), for the events of one group commit of device writes. Joins the caller's
 * transaction; the relay is woken after the commit, as the kit's outbox does.
 */
@ApplicationScoped
public class OutboxRows {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRelay relay;

    @Inject
    AfterCommit afterCommit;

    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(List<Envelope> events) {
        if (events.isEmpty()) {
            return;
        }
        int n = events.size();
        Object[] ids = new Object[n];
        String[] topics = new String[n];
        String[] keys = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Envelope envelope = events.get(i);
            ids[i] = envelope.id();
            topics[i] = envelope.topic();
            keys[i] = envelope.subject();
            payloads[i] = envelope.toJson();
        }
        // WITH ORDINALITY keeps the events' order in the relay's id order
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO outbox (event_id, topic, message_key, payload, created_at) "
                        + "SELECT e.id, e.topic, e.key, e.payload, clock_timestamp() "
                        + "FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS e (id, topic, key, payload, n) "
                        + "ORDER BY e.n")) {
            insert.setArray(1, c.createArrayOf("uuid", ids));
            insert.setArray(2, c.createArrayOf("text", topics));
            insert.setArray(3, c.createArrayOf("text", keys));
            insert.setArray(4, c.createArrayOf("text", payloads));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the outbox", e);
        }
        afterCommit.run(relay::wake);
    }
}
