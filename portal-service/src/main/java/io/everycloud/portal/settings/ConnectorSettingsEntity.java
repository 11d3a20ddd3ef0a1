package io.everycloud.portal.settings;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The one row of connector settings; absent until an operator saves them. */
@Entity
@Table(name = "connector_settings")
public class ConnectorSettingsEntity extends PanacheEntityBase {

    public static final int ID = 1;

    @Id
    public Integer id;

    @Column(nullable = false)
    public String domain;

    /** JSON array of app ids. */
    @Column(name = "managed_apps", nullable = false)
    public String managedApps;

    @Column(name = "publication_mode", nullable = false)
    public String publicationMode;

    /** JSON array of business ids. */
    @Column(name = "business_whitelist", nullable = false)
    public String businessWhitelist;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
