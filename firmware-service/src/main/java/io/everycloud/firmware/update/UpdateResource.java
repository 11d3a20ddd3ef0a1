package io.everycloud.firmware.update;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.security.Roles;

/** The seed's batch push ({@code POST /api/firmware/update}) and the fleet's OTA status ({@code GET /api/firmware/updates}). */
@Path("/api/firmware")
public class UpdateResource {

    @Inject
    UpdateRequests requests;

    @POST
    @Path("update")
    @RolesAllowed({ Roles.OEM, Roles.USER })
    public Response batch(JsonNode body) {
        return Response.accepted(requests.batch(body)).build();
    }

    @GET
    @Path("updates")
    @RolesAllowed(Roles.OEM)
    public Page<UpdateView> list(@QueryParam("state") String state, @QueryParam("version") String version,
            @QueryParam("device") String device, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return requests.list(state, version, device, PageRequest.of(limit, cursor));
    }
}
