package io.everycloud.portal.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Pages for refused form posts (403) and things a user may not see (404); the APIs keep problem+json. */
public class ErrorPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance error(PageContext page, String heading, String text);
    }

    @Inject
    PortalWeb web;

    @ServerExceptionMapper
    public Response csrf(CsrfRefusedException e) {
        return web.html(403, Templates.error(web.context("Form expired"), "This form has expired",
                "For your safety the form was not sent. Go back, reload the page and try again."));
    }

    @ServerExceptionMapper
    public Response notFound(PageNotFoundException e) {
        return web.html(404, Templates.error(web.context("Not found"), "Page not found",
                "There is nothing here, or it is not yours to see."));
    }
}
