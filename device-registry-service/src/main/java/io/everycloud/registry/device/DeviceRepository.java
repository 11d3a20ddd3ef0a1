package io.everycloud.registry.device;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.postgresql.PGStatement;

import io.agroal.api.AgroalDataSource;
import io.everycloud.registry.deviceapi.DeviceTokenCache;

/** The device table. */
@ApplicationScoped
public class DeviceRepository {

    private static final String COLUMNS = "d.identity, d.status, d.created_at, d.activated_at, d.last_seen_at";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DeviceTokenCache tokens;

    /** What {@code GET /api/devices} filters on; all conditions are ANDed. */
    public record Filter(List<String[]> tags, String identityPrefix, DeviceStatus status, String scopeTag, String scopeValue) {
    }

    public Optional<DeviceRow> find(String identity) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM device d WHERE d.identity = ?")) {
            s.setString(1, identity);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the device", e);
        }
    }

    /** Which of these identities are devices (one query). */
    public Set<String> existing(Collection<String> identities) {
        Set<String> found = new HashSet<>();
        if (identities.isEmpty()) {
            return found;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT identity FROM device WHERE identity = ANY (?)")) {
            s.setArray(1, c.createArrayOf("text", identities.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the devices", e);
        }
    }

    /** Whether the device has a tag with that value (object-level authorization). */
    public boolean hasTag(String identity, String name, String value) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT 1 FROM device_tag WHERE identity = ? AND name = ? AND value = ?")) {
            s.setString(1, identity);
            s.setString(2, name);
            s.setString(3, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read tags", e);
        }
    }

    /** Inserts a provisioned device; false when the identity exists already. */
    public boolean insert(String identity, Instant at) {
        try (Connection c = dataSource.getConnection()) {
            return insert(c, identity, at);
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the device", e);
        }
    }

    boolean insert(Connection c, String identity, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO device (identity, status, created_at) VALUES (?, 'provisioned', ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, identity);
            s.setTimestamp(2, Timestamp.from(at));
            return s.executeUpdate() == 1;
        }
    }

    /** Inserts many devices in one statement; returns the identities that were new. */
    List<String> insertAll(Connection c, List<String> identities, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO device (identity, status, created_at) SELECT unnest(?::text[]), 'provisioned', ? "
                        + "ON CONFLICT DO NOTHING RETURNING identity")) {
            s.setArray(1, c.createArrayOf("text", identities.toArray()));
            s.setTimestamp(2, Timestamp.from(at));
            List<String> created = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    created.add(rs.getString(1));
                }
            }
            return created;
        }
    }

    public boolean delete(String identity) {
        tokens.changed(identity);
        return update("DELETE FROM device WHERE identity = ?", identity) == 1;
    }

    /** Gives a provisioned device its token; false when it is not (or no longer) provisioned. */
    public boolean activate(String identity, String tokenHash, Instant at) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("UPDATE device SET status = 'activated', token_hash = ?, "
                        + "activated_at = ?, last_seen_at = ? WHERE identity = ? AND status = 'provisioned'")) {
            s.setString(1, tokenHash);
            s.setTimestamp(2, Timestamp.from(at));
            s.setTimestamp(3, Timestamp.from(at));
            s.setString(4, identity);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("could not activate the device", e);
        }
    }

    /** Forgets the token so the device may activate again. */
    public boolean reactivate(String identity) {
        tokens.changed(identity);
        return update("UPDATE device SET status = 'provisioned', token_hash = NULL, activated_at = NULL WHERE identity = ?",
                identity) == 1;
    }

    /**
     * A page of devices in identity order after {@code after}. A search for several tags where one
     * tag has at most {@code selectiveTagSize} devices from the cursor on (a user's devices, say)
     * checks only those for the other tags; see {@link #selectiveSearch}.
     */
    public List<DeviceRow> list(Filter filter, String after, int limit, int selectiveTagSize) {
        List<String[]> terms = new ArrayList<>(filter.tags());
        if (filter.scopeTag() != null) {
            terms.add(new String[] { filter.scopeTag(), filter.scopeValue() });
        }
        if (terms.size() > 1 && selectiveTagSize > 0) {
            List<DeviceRow> rows = selectiveSearch(filter, terms, after, limit, selectiveTagSize);
            if (rows != null) {
                return rows;
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM device d WHERE TRUE");
        List<Object> args = new ArrayList<>();
        if (after != null) {
            sql.append(" AND d.identity > ?");
            args.add(after);
        }
        if (filter.identityPrefix() != null) {
            // A range rather than LIKE: it uses the primary key even in a generic prepared plan.
            // Identities are ASCII below 0x7f, so every identity with the prefix sorts below prefix + 0x7f.
            sql.append(" AND d.identity >= ? AND d.identity < ?");
            args.add(filter.identityPrefix());
            args.add(filter.identityPrefix() + '\u007f');
        }
        if (filter.status() != null) {
            sql.append(" AND d.status = ?");
            args.add(filter.status().value());
        }
        for (String[] term : terms) {
            // The identity bounds are repeated inside: the planner does not carry them across
            // t.identity = d.identity, and without them a tag index scan would start at the first
            // device holding the tag instead of at the cursor.
            sql.append(" AND EXISTS (SELECT 1 FROM device_tag t WHERE t.identity = d.identity AND t.name = ? AND t.value = ?");
            args.add(term[0]);
            args.add(term[1]);
            if (after != null) {
                sql.append(" AND t.identity > ?");
                args.add(after);
            }
            if (filter.identityPrefix() != null) {
                sql.append(" AND t.identity >= ? AND t.identity < ?");
                args.add(filter.identityPrefix());
                args.add(filter.identityPrefix() + '\u007f');
            }
            sql.append(')');
        }
        sql.append(" ORDER BY d.identity LIMIT ?");
        args.add(limit);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            if (terms.size() > 1) {
                // Planned with the values each time (an unnamed statement), never with the generic
                // plan the driver switches to after five executions: that plan cannot tell a user's
                // two devices from a model's 100,000 and merges both tag lists (20 ms at 1 M devices
                // against 0.2 ms; docs/benchmarks.md, "Tag search").
                s.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            for (int i = 0; i < args.size(); i++) {
                s.setObject(i + 1, args.get(i));
            }
            return rows(s);
        } catch (SQLException e) {
            throw new IllegalStateException("could not list devices", e);
        }
    }

    /**
     * A search for several tags, when one of them is selective. The first statement reads up to
     * {@code perTag + 1} devices of each tag from the cursor on; a tag with at most {@code perTag}
     * has shown all its devices in range, and the second statement walks only that tag's devices,
     * checking each for the other tags (and the status). Their texts depend only on the number of
     * tags and whether a status is asked, and their parameters are scalars, so the JDBC driver
     * prepares them on the server and PostgreSQL reuses one plan for any values; the search planned
     * for its values spent more time planning than running (0.99 ms against 0.08–0.15 ms,
     * pg_stat_statements, docs/benchmarks.md). Null when every tag has more devices: the caller then
     * plans the search for its values.
     */
    private List<DeviceRow> selectiveSearch(Filter filter, List<String[]> terms, String after, int limit, int perTag) {
        // identities are ASCII below 0x7f: "" and "\u007f" bound all of them
        String from = after == null ? "" : after;
        String low = filter.identityPrefix() == null ? "" : filter.identityPrefix();
        String high = filter.identityPrefix() == null ? "\u007f" : filter.identityPrefix() + '\u007f';
        StringBuilder heads = new StringBuilder("SELECT o.i, x.identity FROM (VALUES ");
        for (int i = 0; i < terms.size(); i++) {
            heads.append(i == 0 ? "" : ", ").append('(').append(i).append(", ?, ?)");
        }
        heads.append(") AS o(i, name, value) CROSS JOIN LATERAL (SELECT t.identity FROM device_tag t ")
                .append("WHERE t.name = o.name AND t.value = o.value AND t.identity > ? AND t.identity >= ? AND t.identity < ? ")
                .append("ORDER BY t.identity LIMIT ?) x");
        try (Connection c = dataSource.getConnection()) {
            int[] counts = new int[terms.size()];
            try (PreparedStatement s = c.prepareStatement(heads.toString())) {
                int p = 1;
                for (String[] term : terms) {
                    s.setString(p++, term[0]);
                    s.setString(p++, term[1]);
                }
                s.setString(p++, from);
                s.setString(p++, low);
                s.setString(p++, high);
                s.setInt(p, perTag + 1);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        counts[rs.getInt(1)]++;
                    }
                }
            }
            int driver = -1;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] <= perTag && (driver < 0 || counts[i] < counts[driver])) {
                    driver = i;
                }
            }
            if (driver < 0) {
                return null;
            }
            if (counts[driver] == 0) {
                return List.of();
            }
            // OFFSET 0 keeps each other tag a probe of the primary key per device of the driving tag;
            // without it PostgreSQL may merge the tags' whole lists in a plan made for no values
            StringBuilder walk = new StringBuilder("SELECT ").append(COLUMNS)
                    .append(" FROM device_tag a JOIN device d ON d.identity = a.identity WHERE a.name = ? AND a.value = ? ")
                    .append("AND a.identity > ? AND a.identity >= ? AND a.identity < ?");
            if (filter.status() != null) {
                walk.append(" AND d.status = ?");
            }
            for (int i = 0; i < terms.size() - 1; i++) {
                walk.append(" AND EXISTS (SELECT 1 FROM device_tag t WHERE t.identity = a.identity AND t.name = ? AND t.value = ? OFFSET 0)");
            }
            walk.append(" ORDER BY a.identity LIMIT ?");
            try (PreparedStatement s = c.prepareStatement(walk.toString())) {
                int p = 1;
                s.setString(p++, terms.get(driver)[0]);
                s.setString(p++, terms.get(driver)[1]);
                s.setString(p++, from);
                s.setString(p++, low);
                s.setString(p++, high);
                if (filter.status() != null) {
                    s.setString(p++, filter.status().value());
                }
                for (int i = 0; i < terms.size(); i++) {
                    if (i != driver) {
                        s.setString(p++, terms.get(i)[0]);
                        s.setString(p++, terms.get(i)[1]);
                    }
                }
                s.setInt(p, limit);
                return rows(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not list devices", e);
        }
    }

    private int update(String sql, String identity) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, identity);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the device", e);
        }
    }

    /** Runs the query and reads every row. */
    private static List<DeviceRow> rows(PreparedStatement s) throws SQLException {
        List<DeviceRow> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                rows.add(row(rs));
            }
        }
        return rows;
    }

    private static DeviceRow row(ResultSet rs) throws SQLException {
        return new DeviceRow(rs.getString(1), DeviceStatus.of(rs.getString(2)), instant(rs.getTimestamp(3)),
                instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)));
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
