package io.everycloud.local;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import io.everycloud.testkit.Postgres;

/**
 * One database and one login role per service (name = role = password, as docs/development.md says).
 * Identifiers are quoted here because one of them, {@code user}, is a reserved word in SQL, which
 * {@link Postgres#createDatabase(String, String, String)} does not quote.
 */
final class Databases {

    static void ensure(Postgres postgres, String name) {
        String identifier = "\"" + name.replace("\"", "\"\"") + "\"";
        String literal = "'" + name.replace("'", "''") + "'";
        // the embedded server trusts local connections of its superuser
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), "postgres", "");
                Statement statement = connection.createStatement()) {
            if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", name)) {
                statement.execute("CREATE ROLE " + identifier + " LOGIN PASSWORD " + literal);
            }
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", name)) {
                statement.execute("CREATE DATABASE " + identifier + " OWNER " + identifier);
            }
            statement.execute("REVOKE ALL ON DATABASE " + identifier + " FROM PUBLIC");
            statement.execute("GRANT ALL ON DATABASE " + identifier + " TO " + identifier);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the database " + name + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            return query.executeQuery().next();
        }
    }

    private Databases() {
    }
}
