package io.everycloud.notification.account;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Projection of a user account: where to write to, and whether we may (never to blocked or deleted users). */
@Entity
@Table(name = "recipient")
public class Recipient extends PanacheEntityBase {

    public static final String ACTIVE = "active";
    public static final String BLOCKED = "blocked";
    public static final String DELETED = "deleted";

    @Id
    @Column(name = "user_id")
    public UUID userId;

    public String email;

    public String name;

    @Column(nullable = false)
    public String status;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public boolean mayReceive() {
        return ACTIVE.equals(status) && email != null && !email.isBlank();
    }

    /** Whether emails to this user must not go out (known and blocked or deleted). */
    public static boolean isBarred(UUID userId) {
        if (userId == null) {
            return false;
        }
        Recipient r = findById(userId);
        return r != null && !ACTIVE.equals(r.status);
    }

    /** The row for a user, created (active) when the first event about the user arrives. */
    static Recipient upsert(UUID userId) {
        Recipient r = findById(userId);
        if (r == null) {
            r = new Recipient();
            r.userId = userId;
            r.status = ACTIVE;
        }
        r.updatedAt = Instant.now();
        return r;
    }
}
