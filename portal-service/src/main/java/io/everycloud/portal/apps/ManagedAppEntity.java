package io.everycloud.portal.apps;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Stored metadata of one application. */
@Entity
@Table(name = "managed_app")
public class ManagedAppEntity extends PanacheEntityBase {

    @Id
    @Column(name = "app_id")
    public String appId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String description;

    @Column(nullable = false)
    public String url;

    @Column(name = "logo_url")
    public String logoUrl;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    AppView view() {
        return new AppView(appId, name, description, url, logoUrl, updatedAt);
    }
}
