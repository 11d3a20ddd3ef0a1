package io.everycloud.kit.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    /** Rows of one INSERT of {@link #publishAll(List)} or {@link Rows#sql()} (4 parameters each, far below PostgreSQL's 32,767). */
    private static final int MAX_ROWS_PER_INSERT = 500;

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
                PreparedStatement insert = connection.prepareStatement(Row.SQL)) {
            new Row(envelope, topic, key).bind(insert, 1);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the outbox", e);
        }
        wakeAfterCommit();
    }

    /**
     * An event record (topic and type from the event catalog, keyed by the subject) for the caller
     * to write in a statement of its own, as one of its data-modifying CTEs ({@link Row#SQL}), so
     * that a change made by one statement announces itself without a round trip of its own. Joins
     * the caller's transaction: the relay is woken when it commits. A row that the caller's
     * statement does not write is simply not sent.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Row prepare(String subject, Record event) {
        Envelope envelope = Envelope.of(subject, event);
        wakeAfterCommit();
        return new Row(envelope, envelope.topic(), subject);
    }

    /** An outbox row that the caller's own statement writes (see {@link Outbox#prepare}). */
    public static final class Row {

        /**
         * The INSERT to embed, e.g. {@code WITH announced AS (<SQL>) UPDATE ...}; its four parameters
         * are bound by {@link #bind}.
         */
        public static final String SQL =
                "INSERT INTO outbox (event_id, topic, message_key, payload, created_at) VALUES (?, ?, ?, ?, clock_timestamp())";

        private final Envelope envelope;
        private final String topic;
        private final String key;

        private Row(Envelope envelope, String topic, String key) {
            this.envelope = envelope;
            this.topic = topic;
            this.key = key;
        }

        /** The event, with its id. */
        public Envelope envelope() {
            return envelope;
        }

        /** Binds {@link #SQL}'s parameters from {@code index} on; returns the next free index. */
        public int bind(PreparedStatement statement, int index) throws SQLException {
            statement.setObject(index, envelope.id());
            statement.setString(index + 1, topic);
            statement.setString(index + 2, key);
            statement.setString(index + 3, envelope.toJson());
            return index + 4;
        }
    }

    /**
     * Publishes many envelopes, each to its type's topic keyed by its subject, in one statement:
     * the events of one topic share one row ({@link PackedEvents}) that the relay sends as one
     * Kafka record per event, in this order. For a transaction that announces many events at
     * once; joins the caller's transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publishAll(List<Envelope> envelopes) {
        if (envelopes.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            insert(c, rows(envelopes));
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the outbox", e);
        }
        wakeAfterCommit();
    }

    /**
     * {@link #publishAll(List)} for a caller that runs its own JDBC transaction instead of a JTA
     * one, as the registry's group commit does (there, the transaction manager's begin and commit
     * cost more than the statement): the rows are written on {@code connection}, in its open
     * transaction, so they commit or roll back with the change they announce. Call
     * {@link #committed()} once that transaction has committed, or the relay finds them only at
     * its next periodic look.
     *
     * @throws IllegalStateException if the connection is in auto-commit mode (the rows would be
     *         committed alone)
     */
    public void publishAll(Connection connection, List<Envelope> envelopes) throws SQLException {
        if (connection.getAutoCommit()) {
            throw new IllegalStateException("the outbox needs the caller's transaction: the connection is in auto-commit mode");
        }
        if (!envelopes.isEmpty()) {
            insert(connection, rows(envelopes));
        }
    }

    /**
     * {@link #publishAll(Connection, List)} for a caller that writes the rows in a statement of its
     * own, as a data-modifying CTE ({@link Rows#sql()}), so that a change and its events take one
     * round trip: in auto-commit mode, one statement is one transaction, stored whole or not at all.
     * Call {@link #committed()} after that statement (or its transaction) committed.
     */
    public Rows prepareAll(List<Envelope> envelopes) {
        return rows(envelopes);
    }

    /** Tells the relay that a transaction written through {@link #publishAll(Connection, List)} or {@link #prepareAll} committed. */
    public void committed() {
        relay.wake();
    }

    /** The outbox rows of some envelopes: the events of one topic packed into one row where they fit. */
    private static Rows rows(List<Envelope> envelopes) {
        Map<String, List<Envelope>> byTopic = new LinkedHashMap<>();
        for (Envelope envelope : envelopes) {
            byTopic.computeIfAbsent(envelope.topic(), t -> new ArrayList<>()).add(envelope);
        }
        List<Object> ids = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        for (Map.Entry<String, List<Envelope>> topic : byTopic.entrySet()) {
            List<PackedEvents.Event> events = new ArrayList<>(topic.getValue().size());
            for (Envelope envelope : topic.getValue()) {
                events.add(new PackedEvents.Event(envelope.subject(), envelope.toJson()));
            }
            if (PackedEvents.packable(events)) {
                // the row takes its first event's id (event_id is unique; every event id is)
                ids.add(topic.getValue().get(0).id());
                topics.add(topic.getKey());
                keys.add(PackedEvents.keys(events));
                payloads.add(PackedEvents.payload(events));
            } else {
                for (int i = 0; i < events.size(); i++) {
                    ids.add(topic.getValue().get(i).id());
                    topics.add(topic.getKey());
                    keys.add(events.get(i).key());
                    payloads.add(events.get(i).payload());
                }
            }
        }
        return new Rows(ids, topics, keys, payloads);
    }

    /** Outbox rows for some events, the events of one topic packed into one row where they fit (see {@link #prepareAll}). */
    public static final class Rows {

        private final List<Object> ids;
        private final List<String> topics;
        private final List<String> keys;
        private final List<String> payloads;

        private Rows(List<Object> ids, List<String> topics, List<String> keys, List<String> payloads) {
            this.ids = ids;
            this.topics = topics;
            this.keys = keys;
            this.payloads = payloads;
        }

        /** How many rows (at most one per topic when the events fit in one). */
        public int size() {
            return ids.size();
        }

        /**
         * The INSERT of all the rows to embed, e.g. {@code WITH announced AS (<sql>) UPDATE ...}; its
         * 4 × {@link #size()} parameters are bound by {@link #bind}. Empty rows have no statement.
         */
        public String sql() {
            if (!fitsOneStatement()) {
                throw new IllegalStateException(size() + " outbox rows do not fit in one statement");
            }
            return sql(size());
        }

        /**
         * Whether {@link #sql()} can insert all the rows (500 at most, 4 parameters each); otherwise
         * write them with {@link Outbox#publishAll(Connection, List)}.
         */
        public boolean fitsOneStatement() {
            return size() <= MAX_ROWS_PER_INSERT;
        }

        /** Binds {@link #sql()}'s parameters from {@code index} on; returns the next free index. */
        public int bind(PreparedStatement statement, int index) throws SQLException {
            return bind(statement, index, 0, size());
        }

        private static String sql(int n) {
            if (n == 0) {
                throw new IllegalStateException("no outbox rows to insert");
            }
            StringBuilder sql = new StringBuilder("INSERT INTO outbox (event_id, topic, message_key, payload, created_at) VALUES ");
            for (int i = 0; i < n; i++) {
                sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, clock_timestamp())");
            }
            return sql.toString();
        }

        private int bind(PreparedStatement statement, int index, int from, int n) throws SQLException {
            for (int i = from; i < from + n; i++) {
                statement.setObject(index++, ids.get(i));
                statement.setString(index++, topics.get(i));
                statement.setString(index++, keys.get(i));
                statement.setString(index++, payloads.get(i));
            }
            return index;
        }
    }

    private static void insert(Connection c, Rows rows) throws SQLException {
        // a VALUES list, not arrays: a text[] parameter would escape every quote of the events' JSON;
        // rows are inserted (and numbered by the relay's id) in the order listed
        for (int from = 0; from < rows.size(); from += MAX_ROWS_PER_INSERT) {
            int n = Math.min(MAX_ROWS_PER_INSERT, rows.size() - from);
            try (PreparedStatement insert = c.prepareStatement(Rows.sql(n))) {
                rows.bind(insert, 1, from, n);
                insert.executeUpdate();
            }
        }
    }

    private void wakeAfterCommit() {
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
