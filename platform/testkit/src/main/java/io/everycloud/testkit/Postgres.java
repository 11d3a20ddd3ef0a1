package io.everycloud.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Real PostgreSQL (binaries from Maven, no Docker). One server holds one database per service;
 * {@link #createDatabase(String, String)} gives each its own database and login role, as in
 * production.
 */
public final class Postgres implements AutoCloseable {

    private final EmbeddedPostgres server;

    private Postgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** A throwaway server on a free port. */
    public static Postgres temporary() {
        try {
            return new Postgres(EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    /** A durable server whose data stays in {@code dataDir} between runs. */
    public static Postgres persistent(Path dataDir, int port) {
        try {
            return new Postgres(EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // the library starts the server with -F (fsync off): kept data must survive a crash
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDir, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    /** A fresh database with a random name, owned by the superuser. */
    public String createDatabase(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        execute("CREATE DATABASE " + name);
        return name;
    }

    /**
     * Creates the login role and database if they do not exist; the role owns the database.
     * Names are quoted identifiers, so reserved words such as {@code user} work.
     */
    public void createDatabase(String database, String role, String password) {
        String quotedRole = quote(role);
        String quotedDatabase = quote(database);
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role.replace("'", "''") + "') THEN "
                + "CREATE ROLE " + quotedRole + " LOGIN PASSWORD '" + password.replace("'", "''") + "'; END IF; END $$");
        if (!exists("SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "''") + "'")) {
            execute("CREATE DATABASE " + quotedDatabase + " OWNER " + quotedRole);
        }
        execute("REVOKE ALL ON DATABASE " + quotedDatabase + " FROM PUBLIC");
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public void execute(String sql) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    private boolean exists(String sql) {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            return statement.executeQuery(sql).next();
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
