package io.everycloud.kit.http;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.problem.Problem;
import io.everycloud.kit.problem.ProblemException;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Problems answered before a request reaches a resource: bodies over the limit (413, decided
 * from {@code Content-Length} before the body is read) and paths no route serves (404).
 */
@ApplicationScoped
public class HttpProblems {

    @Inject
    EveryCloudConfig config;

    private List<Map.Entry<String, Long>> limits;

    void limitBodies(@Observes Filters filters) {
        limits = config.http().bodyLimits().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Long> e) -> e.getKey().length()).reversed())
                .toList();
        filters.register(this::checkBodySize, 1000);
    }

    void answerUnmatchedPaths(@Observes Router router) {
        router.route().last().handler(ctx -> {
            if (!ctx.response().ended() && !ctx.response().headWritten()) {
                send(ctx, Problem.of(404, "Not Found", "no such resource"));
            }
        });
    }

    /** The body limit, in bytes, for a request path. */
    public long limitFor(String path) {
        for (Map.Entry<String, Long> limit : limits) {
            if (path.startsWith(limit.getKey())) {
                return limit.getValue();
            }
        }
        return config.http().maxBodyBytes();
    }

    private void checkBodySize(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long limit = limitFor(ctx.normalizedPath());
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                send(ctx, Problem.of(400, "Bad Request", "Content-Length is not a number"));
                return;
            }
            if (declared > limit) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                send(ctx, new Problem("urn:everycloud:problem:body-too-large", "Payload Too Large", 413,
                        "the body has " + declared + " bytes; the limit here is " + limit, List.of()));
                return;
            }
        }
        ctx.next();
    }

    /**
     * Answers a request with a problem from a Vert.x route, as the resources' exception mappers
     * answer it: its status, its headers ({@code Retry-After}, ...) and the problem+json body.
     */
    public static void send(RoutingContext ctx, ProblemException problem) {
        problem.headers().forEach(ctx.response()::putHeader);
        send(ctx, problem.problem());
    }

    static void send(RoutingContext ctx, Problem problem) {
        ctx.response().setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}
