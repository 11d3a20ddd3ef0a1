package io.everycloud.notification.delivery;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.events.Envelope;
import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.notification.template.EmailType;
import io.everycloud.notification.template.RenderException;
import io.everycloud.notification.template.RenderedEmail;
import io.everycloud.notification.template.TemplateDefinition;
import io.everycloud.notification.template.TemplateService;

/**
 * Puts an email into the delivery log, in the transaction of the inbox entry of the event that
 * caused it (so a redelivered event never makes a second email). The email is rendered now, with
 * the template and branding in force, and sent by {@link MailSender} after the commit.
 */
@ApplicationScoped
public class EmailQueue {

    private static final Logger LOG = Logger.getLogger(EmailQueue.class);

    @Inject
    TemplateService templates;

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    DeliveryMetrics metrics;

    /** What every email of one type queued for one event shares: read once, however many recipients. */
    public record Batch(EmailType type, TemplateDefinition definition, Map<String, String> globals,
            Map<String, Object> branding) {
    }

    /** The template, globals and branding in force for emails of a type. */
    public Batch batch(EmailType type) {
        return new Batch(type, templates.definition(type), templates.globals(), templates.brandingVariables());
    }

    public Delivery enqueue(Envelope cause, EmailType type, UUID userId, String to, Map<String, Object> data) {
        return enqueue(cause, batch(type), userId, to, data);
    }

    /**
     * Queues one email; returns null when the type is disabled. Links in the data (names ending in
     * {@code Url}) must lead to the public URL, else the row is failed with the reason and nothing is sent.
     */
    public Delivery enqueue(Envelope cause, Batch batch, UUID userId, String to, Map<String, Object> data) {
        EmailType type = batch.type();
        TemplateDefinition definition = batch.definition();
        if (!definition.enabled()) {
            LOG.debugf("%s disabled: no email for event %s", type.id(), cause.id());
            return null;
        }
        Delivery row = new Delivery();
        row.id = UUID.randomUUID();
        row.kind = Delivery.EMAIL;
        row.type = type.id();
        row.recipient = to;
        row.userId = userId;
        row.eventId = cause.id();
        row.createdAt = Instant.now();
        row.nextAttemptAt = row.createdAt;
        row.status = Delivery.PENDING;
        String refused = foreignLink(data);
        if (refused != null) {
            row.failed(refused);
        } else {
            try {
                RenderedEmail email = templates.render(definition, batch.globals(), batch.branding(), data);
                row.subject = email.subject();
                row.html = email.html();
                row.text = email.text();
            } catch (RenderException e) {
                row.failed("the template could not be rendered: " + e.getMessage());
            }
        }
        if (Delivery.FAILED.equals(row.status)) {
            LOG.warnf("%s email for event %s not sent: %s", type.id(), cause.id(), row.lastError);
            metrics.failed(Delivery.EMAIL);
        }
        row.persist();
        return row;
    }

    /** The reason a link in the data does not lead to the configured public URL, or null when all do. */
    String foreignLink(Map<String, Object> data) {
        for (Map.Entry<String, Object> e : data.entrySet()) {
            if (e.getKey().endsWith("Url") && e.getValue() instanceof String url && !url.isEmpty() && !underPublicUrl(everycloud.publicUrl(), url)) {
                return "the link " + e.getKey() + " does not lead to the public URL " + everycloud.publicUrl();
            }
        }
        return null;
    }

    /** Whether a link leads to the public URL: same scheme, host and port, no credentials, a path under it. */
    static boolean underPublicUrl(String publicUrl, String url) {
        try {
            URI base = URI.create(publicUrl);
            URI link = URI.create(url);
            String basePath = base.getPath() == null ? "" : base.getPath().replaceAll("/+$", "");
            String linkPath = link.getPath() == null ? "" : link.getPath();
            return base.getScheme().equalsIgnoreCase(link.getScheme()) && base.getHost() != null
                    && base.getHost().equalsIgnoreCase(link.getHost()) && base.getPort() == link.getPort()
                    && link.getUserInfo() == null && (linkPath.equals(basePath) || linkPath.startsWith(basePath + "/"));
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
    }
}
