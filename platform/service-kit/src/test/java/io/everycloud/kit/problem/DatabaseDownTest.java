package io.everycloud.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;

import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;

import org.hibernate.exception.GenericJDBCException;
import org.junit.jupiter.api.Test;

/** A request that fails because the service's database is unavailable answers 503 with Retry-After, anything else 500. */
class DatabaseDownTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aDatabaseThatIsShuttingDownClosedOrFullAnswers503() {
        for (SQLException cause : new SQLException[] {
                new SQLException("terminating connection due to administrator command", "57P01"),
                new SQLException("terminating connection due to crash", "57P02"),
                new SQLException("the database system is shutting down", "57P03"),
                new SQLException("FATAL: database \"registry\" is not currently accepting connections", "55000"),
                new SQLException("sorry, too many clients already", "53300"),
                new SQLException("Sorry, acquisition timeout!"),
                new SQLException("Connection to 127.0.0.1:15432 refused", "08001") }) {
            Response response = mappers.unexpected(new PersistenceException(new GenericJDBCException("could not execute", cause)));
            assertThat(response.getStatus()).as(cause.getMessage()).isEqualTo(503);
            assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
            assertThat(((Problem) response.getEntity()).detail()).isEqualTo("the service's database is unavailable; retry shortly");
        }
    }

    @Test
    void otherDatabaseErrorsAnswer500WithoutTheirText() {
        Response response = mappers.unexpected(new PersistenceException(new SQLException("syntax error at or near \"SELEC\"", "42601")));
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(((Problem) response.getEntity()).detail()).startsWith("unexpected error; reference ").doesNotContain("SELEC");
        Response state55000 = mappers.unexpected(new SQLException("currval of sequence \"s\" is not yet defined in this session", "55000"));
        assertThat(state55000.getStatus()).isEqualTo(500);
    }
}
