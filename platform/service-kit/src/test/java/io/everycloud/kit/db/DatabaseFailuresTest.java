package io.everycloud.kit.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;

import jakarta.persistence.PersistenceException;

import org.hibernate.exception.GenericJDBCException;
import org.hibernate.exception.JDBCConnectionException;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransactionException;

class DatabaseFailuresTest {

    @Test
    void aRefusedBrokenOrLostConnectionIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new SQLException("Connection to 127.0.0.1:15432 refused", "08001"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("An I/O error occurred while sending to the backend", "08006")))
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("This connection has been closed.", "08003"))).isTrue();
    }

    @Test
    void aServerShuttingDownOrFullIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new SQLException("terminating connection due to administrator command", "57P01")))
                .isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("terminating connection due to crash", "57P02"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("the database system is starting up", "57P03"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("sorry, too many clients already", "53300"))).isTrue();
    }

    @Test
    void sqlState55000IsUnavailableOnlyAsAConnectionRefusal() {
        assertThat(DatabaseFailures.isUnavailable(new SQLException(
                "FATAL: database \"notification\" is not currently accepting connections", "55000"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLException(
                "ERROR: currval of sequence \"note_id_seq\" is not yet defined in this session", "55000"))).isFalse();
    }

    @Test
    void thePoolGivingUpOnAConnectionIsUnavailable() {
        assertThat(DatabaseFailures.isUnavailable(new SQLException("Sorry, acquisition timeout!"))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new SQLTransientConnectionException("no connection"))).isTrue();
    }

    @Test
    void aPoolClosedAtShutdownIsNotUnavailableButClosed() {
        // Agroal's answer once the service stopped and closed the datasource: it never comes back
        IllegalStateException closed = new IllegalStateException("could not write the inbox",
                new SQLException("This pool is closed and does not handle any more connections!"));
        assertThat(DatabaseFailures.isPoolClosed(new QuarkusTransactionException(closed))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(closed)).isFalse();
        assertThat(DatabaseFailures.isPoolClosed(new SQLException("Connection refused", "08001"))).isFalse();
    }

    @Test
    void theCauseIsFoundThroughHibernateJtaAndOtherWrappers() {
        SQLException refused = new SQLException("Connection refused", "08001");
        assertThat(DatabaseFailures.isUnavailable(new JDBCConnectionException("could not open", refused))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new PersistenceException(new GenericJDBCException("could not execute",
                new SQLException("terminating connection due to administrator command", "57P01"))))).isTrue();
        assertThat(DatabaseFailures.isUnavailable(new QuarkusTransactionException(new IllegalStateException("could not write the inbox",
                new SQLException("Sorry, acquisition timeout!"))))).isTrue();
        SQLException batch = new SQLException("Batch entry 0 was aborted", "24000");
        batch.setNextException(new SQLException("An I/O error occurred while sending to the backend", "08006"));
        assertThat(DatabaseFailures.isUnavailable(batch)).isTrue();
    }

    @Test
    void otherFailuresAreNotTransient() {
        assertThat(DatabaseFailures.isUnavailable(new SQLIntegrityConstraintViolationException("duplicate key", "23505"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new PersistenceException(new SQLException("syntax error", "42601")))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new IllegalStateException("cannot apply poison-1"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(new SQLException("no state"))).isFalse();
        assertThat(DatabaseFailures.isUnavailable(null)).isFalse();
    }
}
