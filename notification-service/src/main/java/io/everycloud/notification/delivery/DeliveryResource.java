package io.everycloud.notification.delivery;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;
import io.everycloud.notification.template.EmailType;
import io.everycloud.notification.webhook.WebhookListener;

/** The delivery log (oem): every email and webhook, with its status and last error. */
@Path("/api/notifications")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
public class DeliveryResource {

    private static final Set<String> STATUSES = Set.of(Delivery.PENDING, Delivery.SENT, Delivery.FAILED);

    /** One row of the log. */
    public record DeliveryView(UUID id, String kind, String type, String to, String subject, String status, int attempts,
            String lastError, UUID eventId, Instant createdAt, Instant nextAttemptAt, Instant sentAt) {
    }

    /** One delivery with what was (or will be) sent. */
    public record DeliveryDetail(UUID id, String kind, String type, String to, String subject, String status, int attempts,
            String lastError, UUID eventId, Instant createdAt, Instant nextAttemptAt, Instant sentAt, String html, String text,
            String payload) {
    }

    @GET
    public Page<DeliveryView> list(@QueryParam("to") String to, @QueryParam("type") String type,
            @QueryParam("status") String status, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        PageRequest page = PageRequest.of(limit, cursor);
        StringBuilder where = new StringBuilder("seq > :after");
        Map<String, Object> params = new HashMap<>();
        params.put("after", after(page));
        if (to != null && !to.isBlank()) {
            if (to.length() > 320) {
                throw ProblemException.badRequest("to", "at most 320 characters");
            }
            where.append(" AND lower(recipient) = :to");
            params.put("to", to.strip().toLowerCase());
        }
        if (type != null && !type.isBlank()) {
            if (EmailType.byId(type).isEmpty() && !WebhookListener.TYPES.contains(type)) {
                throw ProblemException.badRequest("type", "must be one of " + String.join(", ", EmailType.ids()) + ", "
                        + String.join(", ", WebhookListener.TYPES));
            }
            where.append(" AND type = :type");
            params.put("type", type);
        }
        if (status != null && !status.isBlank()) {
            if (!STATUSES.contains(status)) {
                throw ProblemException.badRequest("status", "must be pending, sent or failed");
            }
            where.append(" AND status = :status");
            params.put("status", status);
        }
        List<Delivery> rows = Delivery.<Delivery>find(where + " ORDER BY seq", params).page(0, page.fetchSize()).list();
        return Page.of(rows, page, d -> Long.toString(d.seq)).map(DeliveryResource::view);
    }

    @GET
    @Path("/{id}")
    public DeliveryDetail get(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no delivery " + id);
        }
        Delivery d = Delivery.<Delivery>find("id", uuid).firstResultOptional()
                .orElseThrow(() -> ProblemException.notFound("no delivery " + id));
        return new DeliveryDetail(d.id, d.kind, d.type, d.recipient, d.subject, d.status, d.attempts, d.lastError, d.eventId,
                d.createdAt, d.nextAttemptAt, d.sentAt, d.html, d.text, d.payload);
    }

    private static long after(PageRequest page) {
        if (page.after() == null) {
            return 0;
        }
        try {
            return Long.parseLong(page.after());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this list gave out");
        }
    }

    private static DeliveryView view(Delivery d) {
        return new DeliveryView(d.id, d.kind, d.type, d.recipient, d.subject, d.status, d.attempts, d.lastError, d.eventId,
                d.createdAt, Delivery.PENDING.equals(d.status) ? d.nextAttemptAt : null, d.sentAt);
    }
}
