package io.everycloud.portal.web;

import java.util.List;
import java.util.function.BiFunction;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.portal.session.PortalSession;
import io.everycloud.portal.session.SessionService;
import io.everycloud.portal.upstream.ServicesClient;
import io.everycloud.portal.upstream.UpstreamException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/**
 * {@code /devices} and {@code /devices/{identity}}: the signed-in user's devices, read from the
 * registry with the user's token, so a device that is not theirs is the registry's 404 and ours.
 */
@Path("/devices")
@Produces(MediaType.TEXT_HTML)
public class DevicePages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance devices(PageContext page, List<DeviceViews.Device> devices, String error);

        static native TemplateInstance device(PageContext page, DeviceViews.Device device, DeviceViews.Firmware firmware,
                String error, String notice);
    }

    @Inject
    PortalWeb web;

    @Inject
    SessionService sessions;

    @Inject
    ServicesClient services;

    @GET
    public Response devices() {
        String token = token();
        if (token == null) {
            return web.signInFirst("/devices");
        }
        try {
            return web.html(Templates.devices(web.context("My devices"), DeviceViews.devices(services.devices(token, null)), null));
        } catch (UpstreamException e) {
            return web.html(e.status() == 401 ? 401 : 502, Templates.devices(web.context("My devices"), List.of(), PortalWeb.readable(e)));
        }
    }

    @GET
    @Path("{identity}")
    public Response device(@PathParam("identity") String identity, @QueryParam("updated") String updated,
            @QueryParam("declined") String declined) {
        String token = token();
        if (token == null) {
            return web.signInFirst("/devices/" + TemplateExtensions.pathEncode(identity));
        }
        String notice = updated != null ? "Update to version " + updated + " requested. The device installs it the next time it checks in."
                : declined != null ? "You declined version " + declined + ". The device keeps its firmware; you can still choose"
                        + " any version below."
                : null;
        return page(token, identity, null, notice, 200);
    }

    @POST
    @Path("{identity}/decline")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response decline(@PathParam("identity") String identity, @FormParam("_csrf") String csrf,
            @FormParam("version") String version) {
        return versionForm(identity, csrf, version, "Please choose the offered version to decline.", services::declineOffer,
                // a device that is not the user's is a 404 page (page() asks the registry); one of theirs
                // without an open offer of this version (taken, declined or withdrawn meanwhile) is a 409
                (token, e) -> page(token, identity, "The offer could not be declined: " + PortalWeb.readable(e), null,
                        e.status() == 404 ? 409 : 400),
                "declined");
    }

    @POST
    @Path("{identity}/update")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response update(@PathParam("identity") String identity, @FormParam("_csrf") String csrf,
            @FormParam("version") String version) {
        return versionForm(identity, csrf, version, "Please choose a firmware version.", services::requestUpdate,
                (token, e) -> {
                    if (e.status() == 404) {
                        throw new PageNotFoundException();
                    }
                    return page(token, identity, "The update could not be requested: " + PortalWeb.readable(e), null, 400);
                },
                "updated");
    }

    /** A firmware-service call about one version of one device (update, decline). */
    @FunctionalInterface
    private interface VersionCall {
        void send(String accessToken, String identity, String version);
    }

    /**
     * The device page's version forms: CSRF and sign-in checked, a version required, then the call;
     * on success back to the device page with {@code ?<done>=<version>} (its notice), on an upstream
     * refusal what {@code failed} answers.
     */
    private Response versionForm(String identity, String csrf, String version, String missing, VersionCall call,
            BiFunction<String, UpstreamException, Response> failed, String done) {
        String token = web.signedInToken(csrf);
        if (token == null) {
            return web.signInFirst("/devices/" + TemplateExtensions.pathEncode(identity));
        }
        if (version == null || version.isBlank()) {
            return page(token, identity, missing, null, 400);
        }
        try {
            call.send(token, identity, version);
        } catch (UpstreamException e) {
            return failed.apply(token, e);
        }
        return web.redirect("/devices/" + TemplateExtensions.pathEncode(identity) + "?" + done + "=" + PortalWeb.encode(version));
    }

    private Response page(String token, String identity, String error, String notice, int status) {
        DeviceViews.Device device;
        try {
            device = DeviceViews.device(services.device(token, identity));
        } catch (UpstreamException e) {
            if (e.status() == 404 || e.status() == 403) {
                throw new PageNotFoundException();
            }
            return web.html(502, Templates.devices(web.context("My devices"), List.of(), PortalWeb.readable(e)));
        }
        DeviceViews.Firmware firmware;
        try {
            firmware = DeviceViews.firmware(services.firmware(token, identity));
        } catch (UpstreamException e) {
            firmware = DeviceViews.unavailable(e.status() == 404 ? "No firmware information for this device yet."
                    : "Firmware information is unavailable: " + PortalWeb.readable(e));
        }
        return web.html(status, Templates.device(web.formContext(device.identity()), device, firmware, error, notice));
    }

    private String token() {
        PortalSession session = web.session().orElse(null);
        return session == null || !session.signedIn() ? null : sessions.accessToken(session).orElse(null);
    }
}
