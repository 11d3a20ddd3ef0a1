package io.everycloud.registry.tag;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/** A device's tags: read by whoever sees the device; written by oem, and by an app for its own app: tags. */
@Path("/api/devices/{identity}/tags")
@RolesAllowed({ Roles.OEM, Roles.USER, Roles.APP })
public class TagResource {

    @Inject
    TagService tags;

    @Inject
    Caller caller;

    @GET
    public Map<String, List<String>> get(@PathParam("identity") String identity) {
        return tags.read(caller, identity);
    }

    /** Replaces the tag's values; answers the device's full tag set. */
    @PUT
    @Path("/{name}")
    public Map<String, List<String>> put(@PathParam("identity") String identity, @PathParam("name") String name,
            List<String> values) {
        return tags.put(caller, identity, name, values);
    }

    /** Removes the tag, or only {@code ?value=}; answers the device's full tag set. */
    @DELETE
    @Path("/{name}")
    public Map<String, List<String>> delete(@PathParam("identity") String identity, @PathParam("name") String name,
            @QueryParam("value") String value) {
        return tags.delete(caller, identity, name, value);
    }
}
