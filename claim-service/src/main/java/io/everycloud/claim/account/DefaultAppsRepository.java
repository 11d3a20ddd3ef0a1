package io.everycloud.claim.account;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/** Each user's default apps: user data {@code app_<id>} = {@code {"default": true}} (seed "Application Access"). */
@ApplicationScoped
public class DefaultAppsRepository {

    @Inject
    AgroalDataSource dataSource;

    public List<String> of(UUID userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT app_id FROM user_default_app WHERE user_id = ? ORDER BY app_id")) {
            s.setObject(1, userId);
            List<String> apps = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    apps.add(rs.getString(1));
                }
            }
            return apps;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read default apps", e);
        }
    }

    public void set(UUID userId, String appId, boolean isDefault) {
        String sql = isDefault ? "INSERT INTO user_default_app (user_id, app_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
                : "DELETE FROM user_default_app WHERE user_id = ? AND app_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, userId);
            s.setString(2, appId);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write default apps", e);
        }
    }

    public void forget(UUID userId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM user_default_app WHERE user_id = ?")) {
            s.setObject(1, userId);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not forget default apps", e);
        }
    }
}
