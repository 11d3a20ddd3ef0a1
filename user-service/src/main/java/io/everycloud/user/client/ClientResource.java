package io.everycloud.user.client;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/** Application clients (oem): register an app and get its secret once; read and remove it. */
@Path("/api/clients")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
public class ClientResource {

    /** Registers an application; {@code appId} absent makes an external app ({@code ext_<number>}). */
    public record NewClient(String name, String appId) {
    }

    @Inject
    ClientService clients;

    @Inject
    Caller caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewClient body) {
        NewClient request = body == null ? new NewClient(null, null) : body;
        ClientService.CreatedClient created = clients.create(request.name(), request.appId(), caller.id());
        return Response.status(201).header("Cache-Control", "no-store").entity(created).build();
    }

    @GET
    public Page<ClientService.ClientView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return clients.list(PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/{id}")
    public ClientService.ClientView get(@PathParam("id") String id) {
        return clients.get(id);
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        clients.delete(id);
        return Response.noContent().build();
    }
}
