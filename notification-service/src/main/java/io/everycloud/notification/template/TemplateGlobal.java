package io.everycloud.notification.template;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A variable usable in every template (the seed's "globals"). */
@Entity
@Table(name = "template_global")
public class TemplateGlobal extends PanacheEntityBase {

    @Id
    public String name;

    @Column(nullable = false)
    public String value;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
