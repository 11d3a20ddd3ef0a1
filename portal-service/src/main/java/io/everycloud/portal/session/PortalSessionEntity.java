package io.everycloud.portal.session;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A browser session; keyed by the SHA-256 of the cookie's secret, so a database leak does not hand out sessions. */
@Entity
@Table(name = "portal_session")
public class PortalSessionEntity extends PanacheEntityBase {

    @Id
    @Column(name = "id_hash")
    public String idHash;

    @Column(name = "csrf_token", nullable = false)
    public String csrfToken;

    @Column(name = "user_id")
    public String userId;

    public String email;

    @Column(name = "access_token")
    public String accessToken;

    @Column(name = "refresh_token")
    public String refreshToken;

    @Column(name = "access_expires_at")
    public Instant accessExpiresAt;

    /** Where to continue after signing in (e.g. the claim page carrying a QR code's claim code). */
    @Column(name = "pending_next")
    public String pendingNext;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "last_used_at", nullable = false)
    public Instant lastUsedAt;
}
