package io.everycloud.portal.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.portal.apps.AppService;
import io.everycloud.portal.apps.AppView;
import io.everycloud.portal.session.PortalSession;
import io.everycloud.portal.settings.SettingsService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** {@code /apps}: the managed apps every user sees (seed: "Managed Application"), in the operator's order. */
@Path("/apps")
@Produces(MediaType.TEXT_HTML)
public class AppsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance apps(PageContext page, java.util.List<AppView> apps);
    }

    @Inject
    PortalWeb web;

    @Inject
    SettingsService settings;

    @Inject
    AppService apps;

    @GET
    public Response apps() {
        if (!web.session().map(PortalSession::signedIn).orElse(false)) {
            return web.signInFirst("/apps");
        }
        return web.html(Templates.apps(web.context("Apps"), apps.findAll(settings.current().managedApps())));
    }
}
