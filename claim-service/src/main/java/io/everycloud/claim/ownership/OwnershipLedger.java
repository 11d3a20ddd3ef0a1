package io.everycloud.claim.ownership;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.everycloud.kit.outbox.Outbox;
import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;

/** The audit ledger of ownership changes, written in the transaction (and the statement) that makes the change. */
@ApplicationScoped
public class OwnershipLedger {

    /** What to list; null fields do not filter. */
    public record Filter(String identity, UUID userId, String action) {
    }

    @Inject
    AgroalDataSource dataSource;

    /**
     * An ownership change, its event and its ledger entry, in one statement (one round trip): the
     * device's owners as this service announced them ({@code pending_users} until the registry
     * echoes them, see DeviceListener) and whether a transfer stays open, the event's outbox row,
     * then the entry. A device this projection does not know (a reset the device asked for) gets
     * the event and the entry alone.
     */
    public void record(String identity, List<UUID> owners, boolean transferOpen, String action, UUID userId,
            UUID previousUserId, String method, String actor, Outbox.Row event, Instant at) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        WITH owners AS (
                            UPDATE device SET users = ?, pending_users = ?, pending_since = ?, transfer_open = ?, updated_at = now()
                            WHERE identity = ?),
                        announced AS (""" + Outbox.Row.SQL + """
                        )
                        INSERT INTO ownership_ledger (identity, action, user_id, previous_user_id, method, actor, event_id, recorded_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            Timestamp time = Timestamp.from(at);
            Array users = c.createArrayOf("uuid", owners.toArray());
            s.setArray(1, users);
            s.setArray(2, users);
            s.setTimestamp(3, time);
            s.setBoolean(4, transferOpen);
            s.setString(5, identity);
            int next = event.bind(s, 6);
            s.setString(next, identity);
            s.setString(next + 1, action);
            s.setObject(next + 2, userId);
            s.setObject(next + 3, previousUserId);
            s.setString(next + 4, method);
            s.setString(next + 5, actor);
            s.setObject(next + 6, event.envelope().id());
            s.setTimestamp(next + 7, time);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record the ownership change of " + identity, e);
        }
    }

    /** Oldest first; the cursor is the id of the last entry of the previous page. */
    public Page<LedgerEntry> list(Filter filter, PageRequest page) {
        long after = 0;
        if (page.after() != null) {
            try {
                after = Long.parseLong(page.after());
            } catch (NumberFormatException e) {
                throw io.everycloud.kit.problem.ProblemException.badRequest("cursor", "is not a cursor this list gave out");
            }
        }
        StringBuilder sql = new StringBuilder("""
                SELECT id, identity, action, user_id, previous_user_id, method, actor, event_id, recorded_at
                FROM ownership_ledger WHERE id > ?""");
        List<Object> parameters = new ArrayList<>();
        parameters.add(after);
        if (filter.identity() != null) {
            sql.append(" AND identity = ?");
            parameters.add(filter.identity());
        }
        if (filter.userId() != null) {
            sql.append(" AND (user_id = ? OR previous_user_id = ?)");
            parameters.add(filter.userId());
            parameters.add(filter.userId());
        }
        if (filter.action() != null) {
            sql.append(" AND action = ?");
            parameters.add(filter.action());
        }
        sql.append(" ORDER BY id LIMIT ?");
        parameters.add(page.fetchSize());
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                s.setObject(i + 1, parameters.get(i));
            }
            List<LedgerEntry> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new LedgerEntry(rs.getLong("id"), rs.getString("identity"), rs.getString("action"),
                            rs.getObject("user_id", UUID.class), rs.getObject("previous_user_id", UUID.class),
                            rs.getString("method"), rs.getString("actor"), rs.getObject("event_id", UUID.class).toString(),
                            rs.getTimestamp("recorded_at").toInstant()));
                }
            }
            return Page.of(rows, page, entry -> Long.toString(entry.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the ownership ledger", e);
        }
    }
}
