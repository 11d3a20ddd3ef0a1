package io.everycloud.registry.deviceapi;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.everycloud.kit.http.HttpProblems;
import io.everycloud.kit.problem.ProblemException;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The device API's most frequent request, a device writing its values ({@code POST
 * /onep:v1/stack/alias} with a body and no reads), answered on a Vert.x route instead of through
 * the REST layer, whose per-request work (matching, the request scope, context propagation, the
 * body reader, the response's filters) cost more CPU than the write itself.
 * <p>
 * It takes only the case it can answer without any I/O but the commit: a token already checked
 * ({@link DeviceAuth#cached}: cached, last seen recently), a device routed to no app, no query, a
 * {@code Content-Length} (already held to the body limit by the kit's filter). Everything else
 * (the first request of a token, last seen due, apps, reads, a chunked body) goes on to
 * {@link DeviceApiResource#write}, which answers it the same way. The body is checked by the same
 * {@link AliasWrites} (400 naming the field, 413), problems are answered as the resources answer
 * them ({@link HttpProblems#send}), and the 204 is sent on the request's event loop after the
 * write's commit, as the resource does.
 */
@ApplicationScoped
public class CachedDeviceWriteRoute {

    private static final Logger LOG = Logger.getLogger(CachedDeviceWriteRoute.class);
    private static final String ALIAS_PATH = "/onep:v1/stack/alias";

    @Inject
    DeviceAuth auth;

    @Inject
    AliasWrites aliasWrites;

    private final LongAdder answered = new LongAdder();

    void register(@Observes Router router) {
        // after the kit's filters (the body limit), before the REST layer's route
        router.route().order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::handle);
    }

    /** How many writes this route answered (tests: the common case must not reach the REST layer). */
    long answered() {
        return answered.sum();
    }

    private void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() != HttpMethod.POST || !ALIAS_PATH.equals(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        String query = request.query();
        if ((query != null && !query.isEmpty()) || request.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            ctx.next();
            return;
        }
        DeviceAuth.AuthenticatedDevice device = auth.cached(request.getHeader(DeviceAuth.HEADER));
        if (device == null || !device.apps().isEmpty()) {
            ctx.next();
            return;
        }
        Context context = Vertx.currentContext();
        if (ctx.body().available()) {
            write(ctx, context, device, ctx.body().buffer());
            return;
        }
        request.body().onSuccess(body -> write(ctx, context, device, body))
                .onFailure(e -> LOG.debugf("device write body not received: %s", e.getMessage()));
        // Quarkus holds the body back (paused) until a handler asks for it
        request.resume();
    }

    private void write(RoutingContext ctx, Context context, DeviceAuth.AuthenticatedDevice device, Buffer body) {
        try {
            List<Map.Entry<String, String>> pairs = aliasWrites.pairs(body == null ? "" : body.toString(StandardCharsets.UTF_8), false);
            aliasWrites.write(device, pairs).whenComplete((refused, failure) -> context.runOnContext(v -> {
                if (failure == null) {
                    answered.increment();
                    ctx.response().setStatusCode(204).end();
                } else {
                    problem(ctx, failure);
                }
            }));
        } catch (RuntimeException e) {
            problem(ctx, e);
        }
    }

    private static void problem(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ProblemException problem) {
            HttpProblems.send(ctx, problem);
        } else {
            LOG.warnf(cause, "device write failed");
            HttpProblems.send(ctx, ProblemException.unavailable("the write could not be stored; retry"));
        }
    }
}
