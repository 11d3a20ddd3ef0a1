package io.everycloud.registry.resource;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.everycloud.registry.device.DeviceView;

/** Reads the latest resource values. */
@ApplicationScoped
public class ResourceRepository {

    @Inject
    AgroalDataSource dataSource;

    /** Every alias of a device with its latest value. */
    public Map<String, DeviceView.ResourceView> latest(String identity) {
        Map<String, DeviceView.ResourceView> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT alias, value, updated_at FROM resource_value WHERE identity = ?")) {
            s.setString(1, identity);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new DeviceView.ResourceView(rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read resources", e);
        }
        return out;
    }

    /** The values of some aliases of a device; aliases without a value are absent. */
    public Map<String, ResourceValue> read(String identity, Collection<String> aliases) {
        Map<String, ResourceValue> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT alias, value, updated_at FROM resource_value WHERE identity = ? AND alias = ANY (?)")) {
            s.setString(1, identity);
            Array array = c.createArrayOf("text", aliases.toArray());
            s.setArray(2, array);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new ResourceValue(identity, rs.getString(1), rs.getString(2),
                            rs.getTimestamp(3).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read resources", e);
        }
        return out;
    }
}
