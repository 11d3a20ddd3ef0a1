package io.everycloud.portal.web;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.portal.session.PortalSession;
import io.everycloud.portal.session.SessionService;
import io.everycloud.portal.upstream.ServicesClient;
import io.everycloud.portal.upstream.UpstreamException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * {@code /claim}: the claim code (typed, or carried from a QR code through sign-in or sign-up)
 * is previewed with claim-service, the user confirms, and the devices become theirs.
 */
@Path("/claim")
@Produces(MediaType.TEXT_HTML)
public class ClaimPage {

    /** Longest claim code the page passes on; claim-service has the final word. */
    static final int MAX_CODE_LENGTH = 256;

    /** What will be claimed, shown before the user confirms. */
    record Preview(String product, int deviceCount, boolean claimable, boolean otherProduct) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance claim(PageContext page, String code, Preview preview, String error);

        static native TemplateInstance claimed(PageContext page, List<String> devices);
    }

    @Inject
    PortalWeb web;

    @Inject
    SessionService sessions;

    @Inject
    ServicesClient services;

    @Inject
    EveryCloudConfig everycloud;

    @GET
    public Response claim(@QueryParam("code") String code, @QueryParam("product") String product) {
        String clean = code == null ? "" : code.trim();
        PortalSession session = web.session().orElse(null);
        String token = session == null || !session.signedIn() ? null : sessions.accessToken(session).orElse(null);
        if (token == null) {
            return web.signInFirst(clean.isEmpty() ? "/claim" : "/claim?code=" + PortalWeb.encode(clean)
                    + (product == null || product.isBlank() ? "" : "&product=" + PortalWeb.encode(product)));
        }
        if (clean.isEmpty()) {
            return web.html(Templates.claim(web.formContext("Add a device"), "", null, null));
        }
        if (clean.length() > MAX_CODE_LENGTH) {
            return web.html(400, Templates.claim(web.formContext("Add a device"), "", null,
                    "This claim code is too long; check it and type it again."));
        }
        try {
            JsonNode preview = services.claimPreview(token, clean);
            String previewProduct = preview.path("product").asText(everycloud.productId());
            boolean other = product != null && !product.isBlank() && !product.equals(everycloud.productId());
            return web.html(Templates.claim(web.formContext("Add a device"), clean,
                    new Preview(previewProduct, preview.path("deviceCount").asInt(0),
                            preview.path("claimable").asBoolean(true), other), null));
        } catch (UpstreamException e) {
            return web.html(statusFor(e), Templates.claim(web.formContext("Add a device"), clean, null, claimError(e)));
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response confirm(@FormParam("_csrf") String csrf, @FormParam("code") String code) {
        String token = web.signedInToken(csrf);
        String clean = code == null ? "" : code.trim();
        if (token == null) {
            return web.signInFirst(clean.isEmpty() ? "/claim" : "/claim?code=" + PortalWeb.encode(clean));
        }
        if (clean.isEmpty() || clean.length() > MAX_CODE_LENGTH) {
            return web.html(400, Templates.claim(web.context("Add a device"), "", null, "Please type the claim code."));
        }
        try {
            JsonNode result = services.claim(token, clean);
            List<String> devices = new ArrayList<>();
            result.path("devices").forEach(d -> devices.add(d.asText()));
            return web.html(Templates.claimed(web.context("Device added"), devices));
        } catch (UpstreamException e) {
            return web.html(statusFor(e), Templates.claim(web.context("Add a device"), clean, null, claimError(e)));
        }
    }

    private static int statusFor(UpstreamException e) {
        return switch (e.status()) {
            case 404, 409, 410, 429 -> e.status();
            default -> e.status() >= 500 ? 502 : 400;
        };
    }

    /** claim-service's answers (API.md) in the words of the person holding the device. */
    private static String claimError(UpstreamException e) {
        return switch (e.status()) {
            case 404 -> "This claim code is not known. Check it and try again.";
            case 410 -> "This claim code has expired. Ask the seller or the manufacturer for a new one.";
            case 409 -> "This device already has an owner. If it is yours, ask the current owner to release it.";
            case 429 -> "Too many attempts. Please wait a little and try again.";
            default -> PortalWeb.readable(e);
        };
    }
}
