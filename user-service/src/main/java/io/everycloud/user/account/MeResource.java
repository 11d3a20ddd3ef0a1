package io.everycloud.user.account;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;

/** The caller's own account (end users and operators). */
@Path("/api/me")
@RolesAllowed({ Roles.USER, Roles.OEM })
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    public record PasswordChange(String currentPassword, String newPassword) {
    }

    @Inject
    AccountService accounts;

    @Inject
    Caller caller;

    @GET
    public AccountView get() {
        return accounts.get(caller.userId());
    }

    @PATCH
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    public AccountView update(JsonNode body) {
        Patch patch = Patch.of(body);
        if (patch.has("email")) {
            throw ProblemException.badRequest("email", "cannot be changed here; ask an operator");
        }
        if (!patch.has("name")) {
            return accounts.get(caller.userId());
        }
        return accounts.updateOwnName(caller.userId(), patch.text("name"));
    }

    @PUT
    @Path("/password")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePassword(PasswordChange body) {
        PasswordChange request = body == null ? new PasswordChange(null, null) : body;
        accounts.changeOwnPassword(caller.userId(), request.currentPassword(), request.newPassword());
        return Response.noContent().build();
    }
}
