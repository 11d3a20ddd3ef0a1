package io.everycloud.bench.floor;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The benchmarks' floor (issue 11: "the same load against a bare Quarkus endpoint that does
 * nothing"), in an app of its own with only what the services' requests need of Quarkus:
 * {@code POST /floor/user} is what a claim costs before it does anything — the bearer token checked
 * by quarkus-oidc (configured as the services configure it), the role checked, a JSON body read on a
 * worker thread (as {@code POST /api/claims} is) and a JSON answer written. Its time to ready is the
 * floor of the services' starts. (Device writes have their floors in the registry itself:
 * {@code GET /timestamp} and {@code POST /bench/post-floor}.)
 */
@Path("/floor")
public class FloorResource {

    /** The body of {@code POST /api/claims}. */
    public record Body(String code) {
    }

    /** An answer of the size and shape of a claim's. */
    public record Answer(String user, List<String> devices) {
    }

    /** The caller's token, read as the services' Caller reads it (the user is the subject). */
    @Inject
    JsonWebToken token;

    @POST
    @Path("user")
    @RolesAllowed("user")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Answer authenticated(Body body) {
        return new Answer(token.getSubject(), List.of());
    }
}
