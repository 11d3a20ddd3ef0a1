package io.everycloud.claim.device;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.everycloud.claim.code.ClaimCode;

/**
 * The device projection. Plain JDBC on the service's data source: inside a transaction the
 * connection is the transaction's, so row locks ({@code FOR UPDATE}) decide concurrent claims.
 */
@ApplicationScoped
public class DeviceRepository {

    private static final String COLUMNS = "identity, claim_codes, expires_at, users, apps, transfer_open, pending_users, pending_since";

    @Inject
    AgroalDataSource dataSource;

    public Optional<DeviceState> find(String identity) {
        List<DeviceState> found = query("SELECT " + COLUMNS + " FROM device WHERE identity = ?", identity);
        return found.stream().findFirst();
    }

    /** The device, its row locked until the transaction ends. */
    public Optional<DeviceState> lock(String identity) {
        return query("SELECT " + COLUMNS + " FROM device WHERE identity = ? FOR UPDATE", identity).stream().findFirst();
    }

    /**
     * The devices found among the identities, by identity, their rows locked until the transaction
     * ends: one statement, locks taken in identity order (the order claims lock in, so the two queue
     * instead of deadlocking).
     */
    public Map<String, DeviceState> lockAll(Collection<String> identities) {
        Map<String, DeviceState> byIdentity = new LinkedHashMap<>();
        if (identities.isEmpty()) {
            return byIdentity;
        }
        for (DeviceState device : query("SELECT " + COLUMNS + " FROM device WHERE identity = ANY(?) ORDER BY identity FOR UPDATE",
                identities.toArray(String[]::new))) {
            byIdentity.put(device.identity(), device);
        }
        return byIdentity;
    }

    /** The devices one user owns here, locked. */
    public List<DeviceState> lockOwnedBy(UUID userId) {
        return query("SELECT " + COLUMNS + " FROM device WHERE users @> ARRAY[?]::uuid[] ORDER BY identity FOR UPDATE", userId);
    }

    /** The devices found among the identities, by identity. */
    public Map<String, DeviceState> findAll(Collection<String> identities) {
        Map<String, DeviceState> byIdentity = new LinkedHashMap<>();
        for (DeviceState device : query("SELECT " + COLUMNS + " FROM device WHERE identity = ANY(?)",
                identities.toArray(String[]::new))) {
            byIdentity.put(device.identity(), device);
        }
        return byIdentity;
    }

    /** A device that has a claim code with the hash looked up, with that stored code (for the constant-time check). */
    public record CodeHolder(DeviceState device, String code) {
    }

    /** What a claim or preview by code decides on: the code's devices and the asking user's default apps. */
    public record CodeLookup(List<CodeHolder> holders, List<String> defaultApps) {
    }

    /**
     * The lookup of a claim code, as a query that runs inside another statement (ClaimRateLimiter
     * runs it after locking the attempt's counters, in the same round trip): the devices that have a
     * claim code with this hash (locked in identity order when {@code lock}, one order for
     * everybody, so concurrent claims queue instead of deadlocking), each with the stored code, and
     * the default apps of the user who asks. Locked rows are read after their locks are granted: a
     * claim that committed meanwhile shows as the new owner.
     */
    public static final class CodeQuery {

        private final byte[] hash;
        private final UUID userId;
        private final boolean lock;
        private final List<CodeHolder> holders = new ArrayList<>();
        private List<String> defaultApps = List.of();

        public CodeQuery(byte[] hash, UUID userId, boolean lock) {
            this.hash = hash.clone();
            this.userId = userId;
            this.lock = lock;
        }

        /** The query (no WITH of its own); {@code guard} is a condition its rows also need. Its columns: the device's, code, default_apps. */
        public String sql(String guard) {
            return "SELECT d." + COLUMNS.replace(", ", ", d.") + """
                    , c.code, ARRAY(SELECT a.app_id FROM user_default_app a WHERE a.user_id = ? ORDER BY a.app_id) AS default_apps
                    FROM claim_code c JOIN device d ON d.identity = c.identity
                    WHERE c.code_hash = ? AND\s""" + guard + " ORDER BY d.identity" + (lock ? " FOR UPDATE OF d" : "");
        }

        /** Binds the query's parameters from {@code index} on; returns the next free index. */
        public int bind(PreparedStatement s, int index) throws SQLException {
            s.setObject(index, userId);
            s.setBytes(index + 1, hash);
            return index + 2;
        }

        /** Reads one result row; a row whose identity is null (an outer join found nothing) is skipped. */
        public void read(ResultSet rs) throws SQLException {
            if (rs.getString("identity") != null) {
                holders.add(new CodeHolder(map(rs), rs.getString("code")));
                defaultApps = strings(rs.getArray("default_apps"));
            }
        }

        public CodeLookup result() {
            return new CodeLookup(List.copyOf(holders), defaultApps);
        }
    }

    /** Writes the whole state of a device and its claim codes. */
    public void save(DeviceState device) {
        save(device, true);
    }

    /**
     * Writes the whole state of a device; its claim-code rows only when {@code codesChanged} (a
     * tag snapshot that keeps the codes, such as the registry's echo of an owner, is one statement).
     */
    public void save(DeviceState device, boolean codesChanged) {
        saveAll(List.of(device), codesChanged ? Set.of(device.identity()) : Set.of());
    }

    /**
     * Writes the whole state of each device, in one round trip for the devices (a batch of the same
     * statement) and, for the devices in {@code codesChanged}, one more to drop their claim-code
     * rows and one to write them again (only those among {@code states}).
     */
    public void saveAll(Collection<DeviceState> states, Set<String> codesChanged) {
        if (states.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO device (identity, claim_codes, expires_at, users, apps, transfer_open, pending_users, pending_since, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())
                    ON CONFLICT (identity) DO UPDATE SET claim_codes = EXCLUDED.claim_codes, expires_at = EXCLUDED.expires_at,
                        users = EXCLUDED.users, apps = EXCLUDED.apps, transfer_open = EXCLUDED.transfer_open,
                        pending_users = EXCLUDED.pending_users, pending_since = EXCLUDED.pending_since, updated_at = now()""")) {
                for (DeviceState device : states) {
                    s.setString(1, device.identity());
                    s.setArray(2, c.createArrayOf("text", device.claimCodes().toArray()));
                    s.setTimestamp(3, timestamp(device.expiresAt()));
                    s.setArray(4, c.createArrayOf("uuid", device.users().toArray()));
                    s.setArray(5, c.createArrayOf("text", device.apps().toArray()));
                    s.setBoolean(6, device.transferOpen());
                    s.setArray(7, device.pendingUsers() == null ? null : c.createArrayOf("uuid", device.pendingUsers().toArray()));
                    s.setTimestamp(8, timestamp(device.pendingSince()));
                    s.addBatch();
                }
                s.executeBatch();
            }
            List<String> recoded = states.stream().map(DeviceState::identity).filter(codesChanged::contains).toList();
            if (recoded.isEmpty()) {
                return;
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM claim_code WHERE identity = ANY(?)")) {
                s.setArray(1, c.createArrayOf("text", recoded.toArray()));
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO claim_code (code_hash, identity, code) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (DeviceState device : states) {
                    if (!codesChanged.contains(device.identity())) {
                        continue;
                    }
                    for (String code : device.claimCodes()) {
                        s.setBytes(1, ClaimCode.hash(code));
                        s.setString(2, device.identity());
                        s.setString(3, code);
                        s.addBatch();
                    }
                }
                s.executeBatch();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not save devices", e);
        }
    }

    public void delete(String identity) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM device WHERE identity = ?")) {
            s.setString(1, identity);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete device " + identity, e);
        }
    }

    private List<DeviceState> query(String sql, Object parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            if (parameter instanceof String[] array) {
                s.setArray(1, c.createArrayOf("text", array));
            } else {
                s.setObject(1, parameter);
            }
            List<DeviceState> devices = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    devices.add(map(rs));
                }
            }
            return devices;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read devices", e);
        }
    }

    private static DeviceState map(ResultSet rs) throws SQLException {
        return new DeviceState(rs.getString("identity"), strings(rs.getArray("claim_codes")), instant(rs.getTimestamp("expires_at")),
                uuids(rs.getArray("users")), strings(rs.getArray("apps")), rs.getBoolean("transfer_open"),
                rs.getArray("pending_users") == null ? null : uuids(rs.getArray("pending_users")),
                instant(rs.getTimestamp("pending_since")));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((UUID[]) array.getArray());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
