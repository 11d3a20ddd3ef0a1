package io.everycloud.user.admin;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.everycloud.kit.page.Page;
import io.everycloud.kit.page.PageRequest;
import io.everycloud.kit.problem.ProblemException;
import io.everycloud.kit.security.Caller;
import io.everycloud.kit.security.Roles;
import io.everycloud.user.account.AccountSearch;
import io.everycloud.user.account.AccountService;
import io.everycloud.user.account.AccountView;
import io.everycloud.user.account.Patch;

/** Account management for operators (seed "User Management": list, search, create, update, block, set password). */
@Path("/api/users")
@RolesAllowed(Roles.OEM)
@Produces(MediaType.APPLICATION_JSON)
public class UsersResource {

    /** {@code password} absent: the account waits for its owner to set one through an e-mailed link. */
    public record NewAccount(String email, String name, String password, String role) {
    }

    public record PasswordSet(String password) {
    }

    @Inject
    AccountService accounts;

    @Inject
    AccountSearch search;

    @Inject
    Caller caller;

    @GET
    public Page<AccountView> list(@QueryParam("q") String q, @QueryParam("status") String status,
            @QueryParam("role") String role, @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return search.search(q, status, role, PageRequest.of(limit, cursor));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewAccount body) {
        NewAccount request = body == null ? new NewAccount(null, null, null, null) : body;
        AccountView created = accounts.create(request.email(), request.name(), request.password(), request.role());
        return Response.status(201).header("Location", "/api/users/" + created.id()).entity(created).build();
    }

    @GET
    @Path("/{id}")
    public AccountView get(@PathParam("id") String id) {
        return accounts.get(parse(id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes({ MediaType.APPLICATION_JSON, "application/merge-patch+json" })
    public AccountView update(@PathParam("id") String id, JsonNode body) {
        UUID accountId = parse(id);
        Patch patch = Patch.of(body);
        if (patch.has("email") && patch.text("email") == null) {
            throw ProblemException.badRequest("email", "cannot be removed");
        }
        return accounts.update(accountId, patch.has("email") ? patch.text("email") : null,
                patch.has("name") ? nullToEmpty(patch.text("name")) : null);
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        accounts.delete(parse(id), caller.id());
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/block")
    public AccountView block(@PathParam("id") String id) {
        return accounts.block(parse(id), caller.id());
    }

    @POST
    @Path("/{id}/unblock")
    public AccountView unblock(@PathParam("id") String id) {
        return accounts.unblock(parse(id));
    }

    @PUT
    @Path("/{id}/password")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setPassword(@PathParam("id") String id, PasswordSet body) {
        UUID accountId = parse(id);
        accounts.setPasswordByOperator(accountId, body == null ? null : body.password());
        return Response.noContent().build();
    }

    /** Account ids are UUIDs; anything else names no account. */
    public static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("no such account");
        }
    }

    /** A null name in a patch clears it; the service reads "" as "clear" and null as "keep". */
    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
