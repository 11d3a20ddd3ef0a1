package io.everycloud.portal.apps;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;
import io.everycloud.portal.settings.ConnectorSettings;

/** {@code /api/apps}: metadata of the applications the portal shows (oem). */
@Path("/api/apps")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
public class AppResource {

    @Inject
    AppService apps;

    @GET
    public Page<AppView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return apps.list(PageRequest.of(limit, cursor));
    }

    @GET
    @Path("{appId}")
    public AppView get(@PathParam("appId") String appId) {
        return apps.find(appId).orElseThrow(() -> ProblemException.notFound("no metadata for app " + appId));
    }

    @PUT
    @Path("{appId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public AppView put(@PathParam("appId") String appId, @NotNull @Valid ManagedApp body) {
        if (!appId.matches(ConnectorSettings.APP_ID)) {
            throw ProblemException.badRequest("appId", "must be an app id (letters, digits, _ and -, up to 64)");
        }
        return apps.put(appId, body);
    }

    @DELETE
    @Path("{appId}")
    public Response delete(@PathParam("appId") String appId) {
        apps.delete(appId);
        return Response.noContent().build();
    }
}
