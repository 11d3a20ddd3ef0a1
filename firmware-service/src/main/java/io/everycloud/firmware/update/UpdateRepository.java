package io.everycloud.firmware.update;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.everycloud.firmware.db.Jdbc;

@ApplicationScoped
public class UpdateRepository {

    private static final String COLUMNS = "id, seq, identity, package_id, version, state, message, finished, succeeded, "
            + "requested_by, owner_id, rollout_id, created_at, updated_at";

    /** One line of a device's update history. */
    public record Transition(UUID updateId, String version, String state, String message, Instant at) {
    }

    @Inject
    Jdbc jdbc;

    public void insert(UUID id, String identity, UUID packageId, String version, String requestedBy, UUID ownerId,
            UUID rolloutId, String configOtau) {
        jdbc.update("INSERT INTO device_update (id, identity, package_id, version, state, requested_by, owner_id, "
                + "rollout_id, config_otau) VALUES (?, ?, ?, ?, 'REQUESTED', ?, ?, ?, ?)",
                id, identity, packageId, version, requestedBy, ownerId, rolloutId, new Jdbc.Json(configOtau));
    }

    public Optional<DeviceUpdate> find(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM device_update WHERE id = ?", UpdateRepository::map, id);
    }

    /** The device's running update, locked until the transaction ends. */
    public Optional<DeviceUpdate> runningForUpdate(String identity) {
        return jdbc.one("SELECT " + COLUMNS + " FROM device_update WHERE identity = ? AND NOT finished FOR UPDATE",
                UpdateRepository::map, identity);
    }

    public Optional<DeviceUpdate> latest(String identity) {
        return jdbc.one("SELECT " + COLUMNS + " FROM device_update WHERE identity = ? ORDER BY seq DESC LIMIT 1",
                UpdateRepository::map, identity);
    }

    public void move(UUID id, UpdateState state, String message) {
        jdbc.update("UPDATE device_update SET state = ?, message = ?, finished = ?, succeeded = ?, updated_at = now() "
                + "WHERE id = ?", state.name(), message, state.finished(), state.success(), id);
    }

    /** A progress report within the same state: the message changes and the device counts as alive. */
    public void progress(UUID id, String message) {
        jdbc.update("UPDATE device_update SET message = ?, updated_at = now() WHERE id = ?", message, id);
    }

    public void addTransition(DeviceUpdate update, UpdateState state, String message) {
        jdbc.update("INSERT INTO update_transition (update_id, identity, version, state, message) VALUES (?, ?, ?, ?, ?)",
                update.id(), update.identity(), update.version(), state.name(), message);
    }

    public List<Transition> history(String identity, int max) {
        return jdbc.query("SELECT update_id, version, state, message, at FROM update_transition WHERE identity = ? "
                + "ORDER BY id DESC LIMIT ?", rs -> new Transition(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getObject(5, OffsetDateTime.class).toInstant()),
                identity, max);
    }

    /** Running updates without a report for longer than the timeout; locked, skipping rows another replica holds. */
    public List<DeviceUpdate> stale(Duration timeout, int max) {
        return jdbc.query("SELECT " + COLUMNS + " FROM device_update WHERE NOT finished "
                + "AND updated_at < now() - make_interval(secs => ?) ORDER BY updated_at LIMIT ? FOR UPDATE SKIP LOCKED",
                UpdateRepository::map, (double) timeout.toSeconds(), max);
    }

    public List<DeviceUpdate> page(String state, String version, String device, long afterSeq, int fetch) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM device_update WHERE seq > ?");
        List<Object> params = new ArrayList<>();
        params.add(afterSeq);
        if (state != null) {
            sql.append(" AND state = ?");
            params.add(state);
        }
        if (version != null) {
            sql.append(" AND version = ?");
            params.add(version);
        }
        if (device != null) {
            sql.append(" AND identity = ?");
            params.add(device);
        }
        sql.append(" ORDER BY seq LIMIT ?");
        params.add(fetch);
        return jdbc.query(sql.toString(), UpdateRepository::map, params.toArray());
    }

    static DeviceUpdate map(ResultSet rs) throws SQLException {
        return new DeviceUpdate(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getObject(4, UUID.class),
                rs.getString(5), UpdateState.valueOf(rs.getString(6)), rs.getString(7), rs.getBoolean(8),
                rs.getBoolean(9), rs.getString(10), rs.getObject(11, UUID.class), rs.getObject(12, UUID.class),
                rs.getObject(13, OffsetDateTime.class).toInstant(), rs.getObject(14, OffsetDateTime.class).toInstant());
    }
}
