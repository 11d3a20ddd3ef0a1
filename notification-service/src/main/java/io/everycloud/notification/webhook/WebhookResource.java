package io.everycloud.notification.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;
import io.everycloud.notification.NotificationConfig;

/**
 * Webhook registrations: the oem manages every app's; an app may manage its own (another app's
 * is 404 to it). The secret is never shown again after it was set.
 */
@Path("/api/webhooks/{appId}")
@RolesAllowed({Roles.OEM, Roles.APP})
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WebhookResource {

    static final Pattern APP_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    static final int MIN_SECRET = 16;
    static final int MAX_SECRET = 256;

    /** {@code PUT} body. */
    public record WebhookRequest(String url, String secret) {
    }

    /** A registration as shown: the secret stays hidden. */
    public record WebhookView(String appId, String url, boolean secretSet, Instant createdAt, Instant updatedAt) {
    }

    @Inject
    Caller caller;

    @Inject
    NotificationConfig config;

    @Inject
    WebhookDns dns;

    @GET
    public WebhookView get(@PathParam("appId") String appId) {
        return view(find(appId));
    }

    @PUT
    @Transactional
    public Response put(@PathParam("appId") String appId, WebhookRequest body) {
        visible(appId);
        if (!APP_ID.matcher(appId).matches()) {
            throw ProblemException.badRequest("appId", "1-128 characters of letters, digits and ._:@-");
        }
        if (body == null) {
            throw ProblemException.badRequest("body", "is required: {url, secret}");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        try {
            WebhookUrlPolicy.check(body.url(), config.webhooks().allowPrivate(), dns);
        } catch (WebhookUrlPolicy.Refused e) {
            errors.add(new Problem.FieldError("url", e.getMessage()));
        }
        if (body.secret() == null || body.secret().length() < MIN_SECRET || body.secret().length() > MAX_SECRET) {
            errors.add(new Problem.FieldError("secret", "must be " + MIN_SECRET + " to " + MAX_SECRET + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        Webhook hook = Webhook.findById(appId);
        boolean created = hook == null;
        Instant now = Instant.now();
        if (created) {
            hook = new Webhook();
            hook.appId = appId;
            hook.createdAt = now;
        }
        hook.url = body.url().strip();
        hook.secret = body.secret();
        hook.updatedAt = now;
        hook.persist();
        return Response.status(created ? Response.Status.CREATED : Response.Status.OK).entity(view(hook)).build();
    }

    /** Stops deliveries; those still pending fail with the reason. */
    @DELETE
    @Transactional
    public Response delete(@PathParam("appId") String appId) {
        find(appId).delete();
        return Response.noContent().build();
    }

    private Webhook find(String appId) {
        visible(appId);
        Webhook hook = APP_ID.matcher(appId).matches() ? Webhook.findById(appId) : null;
        if (hook == null) {
            throw ProblemException.notFound("no webhook for app " + appId);
        }
        return hook;
    }

    /** An app sees only its own registration. */
    private void visible(String appId) {
        if (!caller.isOem() && !caller.id().equals(appId)) {
            throw ProblemException.notFound("no webhook for app " + appId);
        }
    }

    private static WebhookView view(Webhook hook) {
        return new WebhookView(hook.appId, hook.url, true, hook.createdAt, hook.updatedAt);
    }
}
