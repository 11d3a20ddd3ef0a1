package io.everycloud.portal.branding;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An uploaded branding file; absent when the default is in force. */
@Entity
@Table(name = "branding_asset")
public class BrandingAssetEntity extends PanacheEntityBase {

    @Id
    public String name;

    @Column(nullable = false)
    public byte[] content;

    @Column(name = "content_type", nullable = false)
    public String contentType;

    @Column(nullable = false)
    public String etag;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
