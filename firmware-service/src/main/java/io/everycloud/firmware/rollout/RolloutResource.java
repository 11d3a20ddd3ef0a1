package io.everycloud.firmware.rollout;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/** {@code /api/firmware/rollouts}: staged rollouts (oem). */
@Path("/api/firmware/rollouts")
@RolesAllowed(Roles.OEM)
public class RolloutResource {

    @Inject
    RolloutService rollouts;

    @Inject
    Caller caller;

    @POST
    public Response create(RolloutRequest request) {
        RolloutView created = rollouts.create(request, caller.id());
        return Response.status(201).entity(created).header("Location", "/api/firmware/rollouts/" + created.id()).build();
    }

    @GET
    public Page<RolloutView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return rollouts.list(PageRequest.of(limit, cursor));
    }

    @GET
    @Path("{id}")
    public RolloutView get(@PathParam("id") String id) {
        return rollouts.view(parse(id));
    }

    @POST
    @Path("{id}/pause")
    public RolloutView pause(@PathParam("id") String id) {
        return rollouts.pause(parse(id));
    }

    @POST
    @Path("{id}/resume")
    public RolloutView resume(@PathParam("id") String id) {
        return rollouts.resume(parse(id));
    }

    @POST
    @Path("{id}/abort")
    public RolloutView abort(@PathParam("id") String id) {
        return rollouts.abort(parse(id));
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no such rollout");
        }
    }
}
