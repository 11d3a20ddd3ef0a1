package io.everycloud.firmware.packages;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.firmware.db.Jdbc;

@ApplicationScoped
public class PackageRepository {

    private static final String COLUMNS = "id, seq, version, name, description, type, payload::text, author, product, "
            + "metadata_name, file_name, content_type, sha256, size, created_by, created_at";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Jdbc jdbc;

    public void insert(FirmwarePackage p) {
        jdbc.update("INSERT INTO firmware_package (id, version, name, description, type, payload, author, product, "
                + "metadata_name, file_name, content_type, sha256, size, created_by) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                p.id(), p.version(), p.name(), p.description(), p.type(),
                p.payload() == null ? null : new Jdbc.Json(p.payload().toString()), p.author(), p.product(),
                p.metadataName(), p.fileName(), p.contentType(), p.sha256(), p.size(), p.createdBy());
    }

    public Optional<FirmwarePackage> find(UUID id) {
        return jdbc.one("SELECT " + COLUMNS + " FROM firmware_package WHERE id = ?", PackageRepository::map, id);
    }

    public Optional<FirmwarePackage> findByVersion(String version) {
        return jdbc.one("SELECT " + COLUMNS + " FROM firmware_package WHERE version = ?", PackageRepository::map, version);
    }

    public boolean versionExists(String version) {
        return jdbc.one("SELECT 1 FROM firmware_package WHERE version = ?", rs -> 1, version).isPresent();
    }

    /** Packages in upload order, after the given sequence number. */
    public List<FirmwarePackage> page(long afterSeq, int fetch) {
        return jdbc.query("SELECT " + COLUMNS + " FROM firmware_package WHERE seq > ? ORDER BY seq LIMIT ?",
                PackageRepository::map, afterSeq, fetch);
    }

    public List<FirmwarePackage> all() {
        return jdbc.query("SELECT " + COLUMNS + " FROM firmware_package ORDER BY seq", PackageRepository::map);
    }

    public List<String> versions() {
        return jdbc.query("SELECT version FROM firmware_package ORDER BY seq", rs -> rs.getString(1));
    }

    /** Locks the package row until the transaction ends (updates take the same lock before using it). */
    public void lock(UUID id) {
        jdbc.query("SELECT 1 FROM firmware_package WHERE id = ? FOR UPDATE", rs -> 1, id);
    }

    /** Locks the package row in shared mode: many updates may use it at once, a delete waits. */
    public Optional<FirmwarePackage> findForUse(String version) {
        return jdbc.one("SELECT " + COLUMNS + " FROM firmware_package WHERE version = ? FOR SHARE", PackageRepository::map, version);
    }

    public boolean delete(UUID id) {
        return jdbc.update("DELETE FROM firmware_package WHERE id = ?", id) == 1;
    }

    /** Whether a running update or a rollout that may still start updates uses the package. */
    public boolean inUse(UUID id) {
        return jdbc.one("SELECT 1 FROM device_update WHERE package_id = ? AND NOT finished "
                + "UNION ALL SELECT 1 FROM rollout WHERE package_id = ? AND state IN ('RUNNING', 'PAUSED') LIMIT 1",
                rs -> 1, id, id).isPresent();
    }

    static FirmwarePackage map(ResultSet rs) throws SQLException {
        String payload = rs.getString(7);
        try {
            return new FirmwarePackage(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), payload == null ? null : JSON.readTree(payload), rs.getString(8),
                    rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                    rs.getLong(14), rs.getString(15), rs.getObject(16, java.time.OffsetDateTime.class).toInstant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored payload is not JSON", e);
        }
    }
}
