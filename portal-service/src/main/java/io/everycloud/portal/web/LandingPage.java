package io.everycloud.portal.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /}: the product's landing page, branded; a QR code's claim URL continues from here (portal.js). */
@Path("/")
public class LandingPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance landing(PageContext page);
    }

    @Inject
    PortalWeb web;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response landing() {
        return web.html(Templates.landing(web.context("")));
    }
}
