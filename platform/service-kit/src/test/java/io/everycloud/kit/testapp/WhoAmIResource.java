package io.everycloud.kit.testapp;

import java.util.TreeSet;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.everycloud.kit.security.Caller;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.vertx.ext.web.RoutingContext;

/** Who the bearer token says the caller is, and which request its identity belongs to. */
@Path("/whoami")
public class WhoAmIResource {

    @Inject
    SecurityIdentity identity;

    @Inject
    Caller caller;

    /** "subject roles probe": probe is the X-Probe header of the request the identity names. */
    @GET
    @Authenticated
    @Produces(MediaType.TEXT_PLAIN)
    public String whoAmI() {
        RoutingContext request = HttpSecurityUtils.getRoutingContextAttribute(identity);
        String probe = request == null ? "no-request" : request.request().getHeader("X-Probe");
        return caller.id() + " " + new TreeSet<>(identity.getRoles()) + " " + probe;
    }
}
