package io.everycloud.firmware.device;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.firmware.db.Jdbc;

@ApplicationScoped
public class DeviceRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, List<String>>> TAGS = new TypeReference<>() {
    };

    @Inject
    Jdbc jdbc;

    public void upsertTags(String identity, Map<String, List<String>> tags) {
        jdbc.update("INSERT INTO device (identity, tags) VALUES (?, ?) "
                + "ON CONFLICT (identity) DO UPDATE SET tags = EXCLUDED.tags, updated_at = now()",
                identity, json(tags));
    }

    /** Records the device's token hash; an older device holding the same hash loses it. */
    public void activate(String identity, String tokenHash) {
        String hash = tokenHash.toLowerCase(java.util.Locale.ROOT);
        jdbc.update("UPDATE device SET token_hash = NULL WHERE token_hash = ? AND identity <> ?", hash, identity);
        jdbc.update("INSERT INTO device (identity, token_hash) VALUES (?, ?) "
                + "ON CONFLICT (identity) DO UPDATE SET token_hash = EXCLUDED.token_hash, updated_at = now()",
                identity, hash);
    }

    public void revokeToken(String identity) {
        jdbc.update("UPDATE device SET token_hash = NULL, updated_at = now() WHERE identity = ?", identity);
    }

    public void delete(String identity) {
        jdbc.update("DELETE FROM device WHERE identity = ?", identity);
    }

    public void setInstalledVersion(String identity, String version) {
        jdbc.update("INSERT INTO device (identity, installed_version) VALUES (?, ?) "
                + "ON CONFLICT (identity) DO UPDATE SET installed_version = EXCLUDED.installed_version, updated_at = now()",
                identity, version);
    }

    public Optional<Device> find(String identity) {
        return jdbc.one("SELECT identity, tags::text, installed_version FROM device WHERE identity = ?",
                DeviceRepository::map, identity);
    }

    public Optional<String> identityForTokenHash(String tokenHash) {
        return jdbc.one("SELECT identity FROM device WHERE token_hash = ?", rs -> rs.getString(1), tokenHash);
    }

    /** Devices whose tags hold every given value (e.g. {@code region:[eu]}), in identity order. */
    public List<Device> matching(Map<String, List<String>> filter, int max) {
        return jdbc.query("SELECT identity, tags::text, installed_version FROM device WHERE tags @> ? "
                + "ORDER BY identity LIMIT ?", DeviceRepository::map, json(filter), max);
    }

    private static Jdbc.Json json(Map<String, List<String>> tags) {
        try {
            return new Jdbc.Json(JSON.writeValueAsString(tags == null ? Map.of() : tags));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Device map(ResultSet rs) throws SQLException {
        try {
            Map<String, List<String>> tags = JSON.readValue(rs.getString(2), TAGS);
            return new Device(rs.getString(1), tags == null ? Map.of() : new LinkedHashMap<>(tags), rs.getString(3));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tags are not JSON", e);
        }
    }
}
