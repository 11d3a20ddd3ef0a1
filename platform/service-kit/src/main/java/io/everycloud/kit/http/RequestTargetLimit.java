package io.everycloud.kit.http;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.problem.Problem;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * The product's checks of the request target (path and query as sent), answered before any route
 * (resources, health, OpenAPI) sees the request:
 * <ul>
 * <li>its length: {@code everycloud.http.max-request-target-length}, 8192 characters by default. A
 * longer target is a 414 problem+json naming the limit and the length. The HTTP decoder reads
 * request lines up to {@code quarkus.http.limits.max-initial-line-length} (16384 in the kit), so
 * every target between the two limits reaches this filter instead of Vert.x' bare 414;</li>
 * <li>a NUL character ({@code %00}) in the path or the query: a 400. No identifier or filter may
 * hold one, and PostgreSQL cannot store it.</li>
 * </ul>
 * Both read the raw target string Vert.x already has: no URI is parsed for them (a JAX-RS
 * pre-matching filter did the NUL check until 2026-11-26; it built a {@code java.net.URI} twice per
 * request, 3 % of the registry's CPU per device write in a JFR recording, and RESTEasy activated
 * the request context to run it).
 */
@ApplicationScoped
public class RequestTargetLimit {

    /** Before the body-size check (1000): the request line is the first thing a request has. */
    static final int PRIORITY = 2000;

    @Inject
    EveryCloudConfig config;

    private int limit;

    void register(@Observes Filters filters) {
        limit = config.http().maxRequestTargetLength();
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext ctx) {
        String target = ctx.request().uri();
        if (target != null && target.length() > limit) {
            HttpProblems.send(ctx, new Problem("urn:everycloud:problem:uri-too-long", "URI Too Long", 414,
                    "the request target (path and query) has " + target.length() + " characters; the limit is " + limit,
                    List.of()));
            return;
        }
        if (hasNul(target)) {
            HttpProblems.send(ctx, Problem.of(400, "Bad Request", "the request path or query contains a NUL character (%00)"));
            return;
        }
        ctx.next();
    }

    /** Whether a raw request target holds a NUL, as a character or percent-encoded. */
    static boolean hasNul(String target) {
        return target != null && (target.indexOf('\0') >= 0 || target.contains("%00"));
    }
}
