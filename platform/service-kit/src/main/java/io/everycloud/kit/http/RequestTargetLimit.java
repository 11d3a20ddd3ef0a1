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
 * The product's limit on the request target (path and query as sent):
 * {@code everycloud.http.max-request-target-length}, 8192 characters by default. A longer target
 * is a 414 problem+json naming the limit and the length, answered before any route (resources,
 * health, OpenAPI) sees the request. The HTTP decoder reads request lines up to
 * {@code quarkus.http.limits.max-initial-line-length} (16384 in the kit), so every target between
 * the two limits reaches this filter instead of Vert.x' bare 414.
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
        ctx.next();
    }
}
