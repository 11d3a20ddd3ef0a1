package io.everycloud.registry.deviceapi;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;

/**
 * Finds the device of an {@code X-Exosite-CIK} token: from the {@link DeviceTokenCache}, or by
 * one indexed lookup of its hash (then cached).
 */
@ApplicationScoped
public class DeviceAuth {

    public static final String HEADER = "X-Exosite-CIK";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RegistryConfig config;

    @Inject
    DeviceTokenCache cache;

    /** An authenticated device and the apps its data goes to. */
    public record AuthenticatedDevice(String identity, List<String> apps) {
    }

    /**
     * The device of a token already checked, without any I/O (it may run on the event loop):
     * null when the token needs {@link #authenticate} (not cached, or its last-seen time is due).
     */
    public AuthenticatedDevice cached(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        DeviceTokenCache.Entry cached = cache.get(DeviceTokens.hash(token.trim()));
        if (cached == null) {
            return null;
        }
        Instant seen = cached.lastSeen;
        if (seen == null || seen.isBefore(Instant.now().minus(config.deviceApi().lastSeenResolution()))) {
            return null;
        }
        return new AuthenticatedDevice(cached.identity, cached.apps);
    }

    /** 401 when the token is missing or not the current token of an activated device. */
    public AuthenticatedDevice authenticate(String token) {
        if (token == null || token.isBlank()) {
            throw unauthorized("the X-Exosite-CIK header is missing");
        }
        String hash = DeviceTokens.hash(token.trim());
        DeviceTokenCache.Entry cached = cache.get(hash);
        if (cached != null) {
            Instant now = Instant.now();
            Instant seen = cached.lastSeen;
            if (seen == null || seen.isBefore(now.minus(config.deviceApi().lastSeenResolution()))) {
                touch(cached.identity, now);
                cached.lastSeen = now;
            }
            return new AuthenticatedDevice(cached.identity, cached.apps);
        }
        long epoch = cache.epoch();
        try (Connection c = dataSource.getConnection()) {
            String identity;
            Instant lastSeen;
            List<String> apps;
            try (PreparedStatement s = c.prepareStatement("SELECT d.identity, d.last_seen_at, "
                    + "(SELECT array_agg(t.value) FROM device_tag t WHERE t.identity = d.identity AND t.name = 'apps') "
                    + "FROM device d WHERE d.token_hash = ? AND d.status = 'activated'")) {
                s.setString(1, hash);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw unauthorized("the device token is not valid");
                    }
                    identity = rs.getString(1);
                    Timestamp seen = rs.getTimestamp(2);
                    lastSeen = seen == null ? null : seen.toInstant();
                    Array array = rs.getArray(3);
                    apps = array == null ? List.of() : Arrays.asList((String[]) array.getArray());
                }
            }
            // reads refresh "last seen" at a coarse resolution, so polling devices do not cost a write each
            Instant now = Instant.now();
            if (lastSeen == null || lastSeen.isBefore(now.minus(config.deviceApi().lastSeenResolution()))) {
                update(c, identity, now);
                lastSeen = now;
            }
            cache.put(hash, identity, apps, lastSeen, epoch);
            return new AuthenticatedDevice(identity, apps);
        } catch (SQLException e) {
            throw ProblemException.unavailable("the registry database is not reachable");
        }
    }

    private void touch(String identity, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            update(c, identity, now);
        } catch (SQLException e) {
            throw ProblemException.unavailable("the registry database is not reachable");
        }
    }

    private static void update(Connection c, String identity, Instant now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE device SET last_seen_at = ? WHERE identity = ?")) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setString(2, identity);
            s.executeUpdate();
        }
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "Unauthorized", detail), Map.of());
    }
}
