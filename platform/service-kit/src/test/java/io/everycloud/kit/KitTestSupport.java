package io.everycloud.kit;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import io.agroal.api.AgroalDataSource;
import io.restassured.http.ContentType;

/** Helpers shared by the kit's tests: create notes over HTTP, read what the listener applied. */
public final class KitTestSupport {

    public record Applied(UUID eventId, String subject, String value) {
    }

    public static void createNote(String text, int count) {
        given().contentType(ContentType.JSON).body("{\"text\":\"" + text + "\",\"count\":" + count + "}")
                .when().post("/notes").then().statusCode(200);
    }

    public static List<Applied> applied(AgroalDataSource dataSource, String subject) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT event_id, subject, value FROM applied WHERE subject = ? ORDER BY seq")) {
            select.setString(1, subject);
            ResultSet rs = select.executeQuery();
            List<Applied> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new Applied(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(AgroalDataSource dataSource, String sql) {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            ResultSet rs = select.executeQuery();
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls until the condition holds (returns the last value) or fails with the last value seen. */
    public static <T> T await(java.util.function.Supplier<T> read, Predicate<T> done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = read.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not reached within " + timeout.toSeconds() + " s; last: " + value);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            value = read.get();
        }
        return value;
    }

    private KitTestSupport() {
    }
}
