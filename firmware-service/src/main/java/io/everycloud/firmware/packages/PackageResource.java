package io.everycloud.firmware.packages;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/**
 * {@code /api/firmware/packages}: the OEM uploads (multipart {@code file} + {@code metadata}),
 * lists and deletes packages; device owners may read them to choose a version.
 */
@Path("/api/firmware/packages")
public class PackageResource {

    @Inject
    PackageService packages;

    @Inject
    Caller caller;

    @POST
    @RolesAllowed(Roles.OEM)
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response upload(@RestForm("file") FileUpload file, @RestForm("metadata") FileUpload metadata) {
        PackageView created = packages.upload(file, metadata, caller.id());
        return Response.status(201).entity(created)
                .header("Location", "/api/firmware/packages/" + created.id()).build();
    }

    @GET
    @RolesAllowed({ Roles.OEM, Roles.USER })
    public Page<PackageView> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return packages.list(PageRequest.of(limit, cursor));
    }

    @GET
    @Path("{id}")
    @RolesAllowed({ Roles.OEM, Roles.USER })
    public PackageView get(@PathParam("id") String id) {
        return packages.get(parse(id));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(Roles.OEM)
    public Response delete(@PathParam("id") String id) {
        packages.delete(parse(id));
        return Response.noContent().build();
    }

    static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no such package");
        }
    }
}
