package io.everycloud.user.data;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.security.Roles;
import io.everycloud.user.admin.UsersResource;

/** A user's data keys (oem): {@code GET} all, {@code PUT} one key's JSON value, {@code DELETE} one key. */
@Path("/api/users/{id}/data")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
public class UserDataResource {

    @Inject
    UserDataService data;

    @GET
    public Map<String, JsonNode> all(@PathParam("id") String id) {
        return data.all(UsersResource.parse(id));
    }

    /** The body is the value itself (any JSON; {@code app_<id>} keys take {@code {"default": boolean}}). */
    @PUT
    @Path("/{key}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonNode put(@PathParam("id") String id, @PathParam("key") String key, JsonNode value) {
        return data.put(UsersResource.parse(id), key, value);
    }

    @DELETE
    @Path("/{key}")
    public Response delete(@PathParam("id") String id, @PathParam("key") String key) {
        data.delete(UsersResource.parse(id), key);
        return Response.noContent().build();
    }
}
