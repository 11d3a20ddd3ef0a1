package io.everycloud.kit.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;

/**
 * The transactional outbox: an event is written in the caller's database transaction, so it is
 * announced if and only if the change it describes commits. The {@link OutboxRelay} sends it to
 * Kafka right after the commit.
 */
@ApplicationScoped
public class Outbox {

    private static final String WAKE_KEY = Outbox.class.getName() + ".wake";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Inject
    OutboxRelay relay;

    /** Publishes an event record: topic and type from the event catalog, keyed by the subject. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Envelope publish(String subject, Record event) {
        Envelope envelope = Envelope.of(subject, event);
        publish(envelope.topic(), subject, envelope);
        return envelope;
    }

    /** Publishes an envelope to a topic with the given key; joins the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String topic, String key, Envelope envelope) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO outbox (event_id, topic, message_key, payload, created_at) VALUES (?, ?, ?, ?, clock_timestamp())")) {
            insert.setObject(1, envelope.id());
            insert.setString(2, topic);
            insert.setString(3, key);
            insert.setString(4, envelope.toJson());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the outbox", e);
        }
        if (transactions.getResource(WAKE_KEY) == null) {
            transactions.putResource(WAKE_KEY, Boolean.TRUE);
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        relay.wake();
                    }
                }
            });
        }
    }
}
