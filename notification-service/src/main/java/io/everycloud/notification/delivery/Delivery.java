package io.everycloud.notification.delivery;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.everycloud.kit.worker.Backoff;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One email or webhook delivery: a row of the delivery log and of the senders' queue. */
@Entity
@Table(name = "delivery")
public class Delivery extends PanacheEntityBase {

    public static final String EMAIL = "email";
    public static final String WEBHOOK = "webhook";
    public static final String PENDING = "pending";
    public static final String SENT = "sent";
    public static final String FAILED = "failed";

    /** Creation order: the log's sort key and, per device, the webhook order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    /** The delivery id shown in the log and sent with webhooks (stays the same across retries). */
    @Column(nullable = false, unique = true)
    public UUID id;

    @Column(nullable = false)
    public String kind;

    /** Email type ({@code signup}, ...) or event type for webhooks ({@code data.routed.v1}). */
    @Column(nullable = false)
    public String type;

    /** Email address, or the app id of a webhook. */
    @Column(nullable = false)
    public String recipient;

    /** The user an email is for, so a block or deletion stops what is still pending. */
    @Column(name = "user_id")
    public UUID userId;

    /** Webhooks: the device identity; deliveries of one device go out in order. */
    @Column(name = "ordering_key")
    public String orderingKey;

    public String subject;

    public String html;

    public String text;

    /** Webhooks: the JSON body. */
    public String payload;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** The event that caused it. */
    @Column(name = "event_id", nullable = false)
    public UUID eventId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    /** Takes a pending row for sending, or null when another sender has it or it is no longer pending. */
    public static Delivery lockPending(long seq) {
        return (Delivery) getEntityManager()
                .createNativeQuery("SELECT * FROM delivery WHERE seq = ?1 AND status = 'pending' FOR UPDATE SKIP LOCKED",
                        Delivery.class)
                .setParameter(1, seq)
                .getResultStream().findFirst().orElse(null);
    }

    /** Records a failed attempt: retried after a backoff, or failed for good after {@code maxAttempts}. Returns whether it is now failed. */
    public boolean attemptFailed(String error, int maxAttempts, java.time.Duration initial, java.time.Duration max) {
        attempts++;
        lastError = error == null ? "unknown error" : error.length() > 1000 ? error.substring(0, 1000) : error;
        if (attempts >= maxAttempts) {
            status = FAILED;
            return true;
        }
        nextAttemptAt = Instant.now().plus(Backoff.after(attempts, initial, max));
        return false;
    }

    public void sent() {
        attempts++;
        status = SENT;
        sentAt = Instant.now();
        lastError = null;
    }

    public void failed(String reason) {
        status = FAILED;
        lastError = reason;
    }
}
