package io.everycloud.notification.branding;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The branding in force (one row), as the last branding.changed.v1 carried it. */
@Entity
@Table(name = "branding")
public class BrandingProjection extends PanacheEntityBase {

    static final short THE_ROW = 1;

    @Id
    public short id = THE_ROW;

    /** branding.json as JSON text. */
    @Column(name = "branding", nullable = false)
    public String branding;

    @Column(name = "logo_url")
    public String logoUrl;

    @Column(name = "device_picture_url")
    public String devicePictureUrl;

    @Column(name = "changed_at", nullable = false)
    public Instant changedAt;
}
