package io.everycloud.user.account;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Public routes: sign-up, e-mail verification and password reset. */
@Path("/api")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SignupResource {

    public record SignupRequest(String email, String password, String name) {
    }

    public record TokenRequest(String token) {
    }

    public record ResetRequest(String email) {
    }

    public record ResetConfirmation(String token, String password) {
    }

    @Inject
    AccountService accounts;

    /**
     * 201 whether or not the address already had an account (that one gets a reset link instead);
     * 429 with Retry-After once the address had its sign-up e-mails of the hour.
     */
    @POST
    @Path("/signup")
    public Response signup(SignupRequest body) {
        SignupRequest request = body == null ? new SignupRequest(null, null, null) : body;
        AccountService.SignupAccepted accepted;
        try {
            accepted = accounts.signup(request.email(), request.password(), request.name());
        } catch (RuntimeException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            // The address got an account at the same moment another way (an operator creating it, say):
            // sign up again, which now finds that account and answers as for any known address.
            accepted = accounts.signup(request.email(), request.password(), request.name());
        }
        return Response.status(201).entity(accepted).build();
    }

    /** PostgreSQL's unique_violation (SQLSTATE 23505) anywhere in the cause chain. */
    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @POST
    @Path("/verify")
    public AccountView verify(TokenRequest body) {
        return accounts.verify(body == null ? null : body.token());
    }

    /** 202 whatever the address: nobody learns here whether it has an account. */
    @POST
    @Path("/password-reset")
    public Response requestReset(ResetRequest body) {
        accounts.requestReset(body == null ? null : body.email());
        return Response.accepted().build();
    }

    @POST
    @Path("/password-reset/confirm")
    public Response confirmReset(ResetConfirmation body) {
        ResetConfirmation request = body == null ? new ResetConfirmation(null, null) : body;
        accounts.confirmReset(request.token(), request.password());
        return Response.noContent().build();
    }
}
