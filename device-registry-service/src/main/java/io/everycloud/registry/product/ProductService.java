package io.everycloud.registry.product;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.everycloud.kit.problem.ProblemException;

/**
 * The product settings. Device traffic reads them on every activation and data write, so they
 * are cached for a second; a change made here is visible at once, other replicas follow within
 * that second.
 */
@ApplicationScoped
public class ProductService {

    private static final Duration CACHE = Duration.ofSeconds(1);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    TransformEngine transforms;

    private volatile ProductSettings cached;
    private volatile long cachedAt;

    public ProductSettings get() {
        ProductSettings current = cached;
        if (current != null && System.nanoTime() - cachedAt < CACHE.toNanos()) {
            return current;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT provisioning, transform FROM product_setting WHERE id = 1");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            current = new ProductSettings(rs.getString(1), rs.getString(2));
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the product settings", e);
        }
        cached = current;
        cachedAt = System.nanoTime();
        return current;
    }

    /** Replaces the settings after checking them; the transform is refused with its error position. */
    public ProductSettings put(ProductSettings settings) {
        if (settings == null) {
            throw ProblemException.badRequest("body", "provisioning and transform are required");
        }
        String provisioning = settings.provisioning();
        if (!ProductSettings.WHITELIST.equals(provisioning) && !ProductSettings.OPEN.equals(provisioning)) {
            throw ProblemException.badRequest("provisioning", "must be whitelist or open");
        }
        String transform = settings.transform() == null || settings.transform().isBlank() ? null : settings.transform();
        if (transform != null) {
            transforms.validate(transform);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "UPDATE product_setting SET provisioning = ?, transform = ?, updated_at = now() WHERE id = 1")) {
            s.setString(1, provisioning);
            s.setString(2, transform);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the product settings", e);
        }
        ProductSettings saved = new ProductSettings(provisioning, transform);
        cached = saved;
        cachedAt = System.nanoTime();
        return saved;
    }
}
