package io.everycloud.kit.http;

import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.everycloud.kit.problem.ProblemException;

/**
 * A NUL character ({@code %00}) in the path or the query string is refused with a 400 before any
 * resource sees it: no identifier or filter may hold one, and PostgreSQL cannot store it.
 */
public class NulInUriFilter {

    @ServerRequestFilter(preMatching = true)
    public void refuseNul(ContainerRequestContext request) {
        String raw = request.getUriInfo().getRequestUri().getRawPath();
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        if (hasNul(raw) || hasNul(query)) {
            throw ProblemException.badRequest("the request path or query contains a NUL character (%00)");
        }
    }

    static boolean hasNul(String raw) {
        return raw != null && (raw.indexOf('\0') >= 0 || raw.contains("%00"));
    }
}
