package io.everycloud.firmware.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.firmware.db.Jdbc;

@ApplicationScoped
public class RolloutRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, List<String>>> TAGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, seq, package_id, version, tag_filter::text, mode, batch_size, "
            + "success_threshold, failure_threshold, minimum_finished, state, current_batch, batch_count, reason, "
            + "created_by, created_at, updated_at";

    /** A target in one batch. */
    public record Target(String identity, int batch, String status, UUID updateId) {
    }

    @Inject
    Jdbc jdbc;

    public void insert(Rollout r) {
        try {
            jdbc.update("INSERT INTO rollout (id, package_id, version, tag_filter, mode, batch_size, success_threshold, "
                    + "failure_threshold, minimum_finished, state, batch_count, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    r.id(), r.packageId(), r.version(), new Jdbc.Json(JSON.writeValueAsString(r.tags())), r.mode(),
                    r.batchSize(), r.successThreshold(), r.failureThreshold(), r.minimumFinished(), r.state(),
                    r.batchCount(), r.createdBy());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public void addTarget(UUID rolloutId, String identity, int batch) {
        jdbc.update("INSERT INTO rollout_target (rollout_id, identity, batch, status) VALUES (?, ?, ?, 'PENDING')",
                rolloutId, identity, batch);
    }

    public Optional<Rollout> find(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM rollout WHERE id = ?", RolloutRepository::map, id);
    }

    public Optional<Rollout> lock(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM rollout WHERE id = ? FOR UPDATE", RolloutRepository::map, id);
    }

    public List<Rollout> page(long afterSeq, int fetch) {
        return jdbc.query("SELECT " + COLUMNS + " FROM rollout WHERE seq > ? ORDER BY seq LIMIT ?", RolloutRepository::map,
                afterSeq, fetch);
    }

    public List<UUID> running() {
        return jdbc.query("SELECT id FROM rollout WHERE state = 'RUNNING' ORDER BY seq", rs -> rs.getObject(1, UUID.class));
    }

    public void setState(UUID id, String state, String reason) {
        jdbc.update("UPDATE rollout SET state = ?, reason = coalesce(?, reason), updated_at = now() WHERE id = ?", state, reason, id);
    }

    public void setCurrentBatch(UUID id, int batch) {
        jdbc.update("UPDATE rollout SET current_batch = ?, updated_at = now() WHERE id = ?", batch, id);
    }

    public List<Target> targets(UUID rolloutId, int batch) {
        return jdbc.query("SELECT identity, batch, status, update_id FROM rollout_target WHERE rollout_id = ? AND batch = ? "
                + "ORDER BY identity", rs -> new Target(rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getObject(4, UUID.class)), rolloutId, batch);
    }

    public void setTarget(UUID rolloutId, String identity, String status, UUID updateId) {
        jdbc.update("UPDATE rollout_target SET status = ?, update_id = coalesce(?, update_id) WHERE rollout_id = ? AND identity = ?",
                status, updateId, rolloutId, identity);
    }

    public void setTargetByUpdate(UUID updateId, String status) {
        jdbc.update("UPDATE rollout_target SET status = ? WHERE update_id = ?", status, updateId);
    }

    /** Ends the device's open offer in the rollout as declined; returns whether there was one. */
    public boolean declineOffer(UUID rolloutId, String identity) {
        return jdbc.update("UPDATE rollout_target SET status = 'DECLINED' WHERE rollout_id = ? AND identity = ? AND status = 'OFFERED'",
                rolloutId, identity) > 0;
    }

    /** Changes every target in one status to another (withdrawing offers, say). */
    public void replaceStatus(UUID rolloutId, String from, String to) {
        jdbc.update("UPDATE rollout_target SET status = ? WHERE rollout_id = ? AND status = ?", to, rolloutId, from);
    }

    /** Target counts by status, for the whole rollout (batch 0) or one batch. */
    public Map<String, Integer> counts(UUID rolloutId, int batch) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        jdbc.query("SELECT status, count(*) FROM rollout_target WHERE rollout_id = ? AND (? = 0 OR batch = ?) GROUP BY status "
                + "ORDER BY status", rs -> counts.put(rs.getString(1), rs.getInt(2)), rolloutId, batch, batch);
        return counts;
    }

    /** Open offers for a device: rollouts in "ask owners" mode waiting for the owner's choice. */
    public List<RolloutService.Offer> offers(String identity) {
        return jdbc.query("SELECT r.id, r.version FROM rollout_target t JOIN rollout r ON r.id = t.rollout_id "
                + "WHERE t.identity = ? AND t.status = 'OFFERED' AND r.state IN ('RUNNING', 'PAUSED') ORDER BY r.seq",
                rs -> new RolloutService.Offer(rs.getObject(1, UUID.class), rs.getString(2)), identity);
    }

    static Rollout map(ResultSet rs) throws SQLException {
        try {
            return new Rollout(rs.getObject(1, UUID.class), rs.getLong(2), rs.getObject(3, UUID.class), rs.getString(4),
                    JSON.readValue(rs.getString(5), TAGS), rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getInt(9),
                    rs.getInt(10), rs.getString(11), rs.getInt(12), rs.getInt(13), rs.getString(14), rs.getString(15),
                    rs.getObject(16, OffsetDateTime.class).toInstant(), rs.getObject(17, OffsetDateTime.class).toInstant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tag filter is not JSON", e);
        }
    }
}
