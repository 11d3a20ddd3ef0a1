package io.everycloud.firmware.device;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.everycloud.firmware.update.UpdateRequests;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Roles;

/** A device's firmware for its owner or the OEM: installed version, state, versions to choose from, offers, history; choosing or declining a version. */
@Path("/api/firmware/devices/{identity}")
@RolesAllowed({ Roles.OEM, Roles.USER })
public class DeviceFirmwareResource {

    /** {@code {version}}: the version the owner (or the OEM) chose. */
    public record UpdateRequest(String version) {
    }

    @Inject
    UpdateRequests requests;

    @GET
    public UpdateRequests.DeviceFirmware get(@PathParam("identity") String identity) {
        return requests.view(identity);
    }

    @POST
    @Path("update")
    public Response update(@PathParam("identity") String identity, UpdateRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("version", "is required");
        }
        return Response.accepted(requests.updateDevice(identity, body.version())).build();
    }

    /** {@code {version}}: the owner declines the offer of this version (an "ask owners" rollout); 202 {identity, rolloutId, version, status}. */
    @POST
    @Path("decline")
    public Response decline(@PathParam("identity") String identity, UpdateRequest body) {
        if (body == null) {
            throw ProblemException.badRequest("version", "is required");
        }
        return Response.accepted(requests.declineOffer(identity, body.version())).build();
    }
}
