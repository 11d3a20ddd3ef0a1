package io.everycloud.registry.stats;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.agroal.api.AgroalDataSource;
import io.everycloud.kit.security.Roles;

/** Fleet figures for the OEM. */
@Path("/api/stats")
@RolesAllowed(Roles.OEM)
public class StatsResource {

    /** Devices, activated, claimed (with an owner), seen in the last 24 h, and devices per reported {@code fw_version}. */
    public record FleetStats(long devices, long activated, long claimed, long seenLast24h, Map<String, Long> byFirmwareVersion) {
    }

    @Inject
    AgroalDataSource dataSource;

    @GET
    public FleetStats stats() {
        try (Connection c = dataSource.getConnection()) {
            long devices;
            long activated;
            long seen;
            try (PreparedStatement s = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE status = 'activated'), "
                    + "count(*) FILTER (WHERE last_seen_at > now() - interval '24 hours') FROM device");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                devices = rs.getLong(1);
                activated = rs.getLong(2);
                seen = rs.getLong(3);
            }
            long claimed;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT count(DISTINCT identity) FROM device_tag WHERE name = 'users'");
                    ResultSet rs = s.executeQuery()) {
                rs.next();
                claimed = rs.getLong(1);
            }
            Map<String, Long> versions = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT value, count(*) FROM resource_value "
                    + "WHERE alias = 'fw_version' GROUP BY value ORDER BY count(*) DESC, value LIMIT 100");
                    ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    versions.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new FleetStats(devices, activated, claimed, seen, versions);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the fleet figures", e);
        }
    }
}
