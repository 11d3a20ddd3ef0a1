package io.everycloud.notification.template;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A template the oem edited (types without a row use {@link DefaultTemplates}). */
@Entity
@Table(name = "email_template")
public class EmailTemplate extends PanacheEntityBase {

    @Id
    public String type;

    @Column(nullable = false)
    public String subject;

    @Column(nullable = false)
    public String html;

    public String text;

    /** The type's variables as a JSON object of strings. */
    @Column(nullable = false)
    public String variables;

    @Column(nullable = false)
    public boolean enabled;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
