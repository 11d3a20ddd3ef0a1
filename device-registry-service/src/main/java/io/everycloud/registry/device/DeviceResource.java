package io.everycloud.registry.device;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/** Devices: provisioning (oem), reading (oem all, users their own, apps those routed to them). */
@Path("/api/devices")
public class DeviceResource {

    @Inject
    DeviceService devices;

    @Inject
    Caller caller;

    @POST
    @RolesAllowed(Roles.OEM)
    public Response create(NewDevice request) {
        DeviceView created = devices.create(request);
        return Response.status(201).entity(created).header("Location", "/api/devices/" + created.identity()).build();
    }

    @POST
    @Path("/import")
    @Consumes({ "text/csv", "text/plain" })
    @RolesAllowed(Roles.OEM)
    public ImportResult importCsv(String csv) {
        return devices.importCsv(csv);
    }

    /** Search: any AND of {@code tag=name:value}, an identity prefix and a status; cursor-paginated. */
    @GET
    @RolesAllowed({ Roles.OEM, Roles.USER, Roles.APP })
    public Page<DeviceView> list(@QueryParam("tag") List<String> tags, @QueryParam("identity") String identity,
            @QueryParam("status") String status, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return devices.list(caller, tags, identity, status, PageRequest.of(limit, cursor));
    }

    @GET
    @Path("/{identity}")
    @RolesAllowed({ Roles.OEM, Roles.USER, Roles.APP })
    public DeviceView get(@PathParam("identity") String identity) {
        return devices.get(caller, identity);
    }

    @DELETE
    @Path("/{identity}")
    @RolesAllowed({ Roles.OEM, Roles.USER, Roles.APP })
    public Response delete(@PathParam("identity") String identity) {
        devices.delete(caller, identity);
        return Response.noContent().build();
    }

    /** Allows a new activation; the device's current token stops working. */
    @POST
    @Path("/{identity}/reactivate")
    @RolesAllowed({ Roles.OEM, Roles.USER, Roles.APP })
    public DeviceView reactivate(@PathParam("identity") String identity) {
        return devices.reactivate(caller, identity);
    }
}
