package io.everycloud.registry.deviceapi;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.problem.ProblemException;
import io.everycloud.registry.RegistryConfig;
import io.everycloud.registry.resource.LongPolls;
import io.everycloud.registry.resource.Point;
import io.everycloud.registry.resource.ResourceRepository;
import io.everycloud.registry.resource.ResourceValue;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;

/**
 * Exosite's HTTP device API, as firmware written for Exosite expects it: form encoding in and
 * out, the {@code X-Exosite-CIK} token header, activation, alias read/write, long poll, record
 * and timestamp. Methods run their short database work on a worker thread and then return a
 * {@link Uni}: waiting for a commit or for a long poll holds no thread.
 */
@Path("/")
public class DeviceApiResource {

    private static final String ALIAS_PATH = "/onep:v1/stack/alias";

    @Inject
    ActivationService activation;

    @Inject
    DeviceAuth auth;

    @Inject
    ResourceRepository resources;

    @Inject
    AliasWrites aliasWrites;

    @Inject
    LongPolls polls;

    @Inject
    RegistryConfig config;

    @POST
    @Path("/provision/activate")
    public Response activate(String body) {
        return Response.ok(activation.activate(body), "text/plain; charset=utf-8").build();
    }

    /** No I/O: answered on the event loop (it is also the benchmarks' floor, deploy/bench/device-api.lua in its floor mode). */
    @GET
    @Path("/timestamp")
    @NonBlocking
    public Response timestamp() {
        return Response.ok(Long.toString(Instant.now().getEpochSecond()), "text/plain; charset=utf-8").build();
    }

    /**
     * Read (200 with the aliases that have values, 204 when none) or long poll one alias. The
     * token check and the read run on a worker thread; a held poll is answered by the thread
     * that commits the write (then the event loop), with no worker thread in between.
     */
    @GET
    @Path(ALIAS_PATH)
    public Uni<Response> read(@Context HttpServerRequest request, @HeaderParam(DeviceAuth.HEADER) String token,
            @HeaderParam("Request-Timeout") String requestTimeout, @HeaderParam("If-Modified-Since") String ifModifiedSince) {
        List<String> aliases = aliases(request.query());
        if (aliases.isEmpty()) {
            throw ProblemException.badRequest("query", "name the aliases to read: ?a&b");
        }
        Long timeout = requestTimeout == null || requestTimeout.isBlank() ? null : timeout(requestTimeout);
        Long since = ifModifiedSince == null || ifModifiedSince.isBlank() ? null : since(ifModifiedSince);
        if (timeout != null && aliases.size() != 1) {
            throw ProblemException.badRequest("query", "a long poll (Request-Timeout) waits for exactly one alias");
        }
        return Uni.createFrom().item(() -> auth.authenticate(token))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(device -> timeout == null
                        ? Uni.createFrom().item(answer(resources.read(device.identity(), aliases), aliases))
                        : longPoll(device.identity(), aliases.get(0), timeout, since));
    }

    /**
     * Write ({@code a=1&b=2} → 204), or write then read ({@code ?r1&r2} → 200 with the reads).
     * The common case (a device whose token is cached, no apps to route to, nothing to read, a
     * {@code Content-Length}) is answered before this method, by {@link CachedDeviceWriteRoute}; the
     * same case here (a chunked body) runs on the event loop and holds no thread while its commit
     * is awaited; the rest does its database work on a worker thread.
     */
    @POST
    @Path(ALIAS_PATH)
    public Uni<Response> write(@Context HttpServerRequest request, @HeaderParam(DeviceAuth.HEADER) String token,
            String body) {
        List<String> reads = aliases(request.query());
        List<Map.Entry<String, String>> pairs = aliasWrites.pairs(body, !reads.isEmpty());
        DeviceAuth.AuthenticatedDevice cached = auth.cached(token);
        if (cached != null && cached.apps().isEmpty() && reads.isEmpty()) {
            return write(cached, pairs, reads);
        }
        return Uni.createFrom().item(() -> auth.authenticate(token))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(device -> write(device, pairs, reads));
    }

    private Uni<Response> write(DeviceAuth.AuthenticatedDevice device, List<Map.Entry<String, String>> pairs,
            List<String> reads) {
        Uni<Void> written = Uni.createFrom().completionStage(aliasWrites.write(device, pairs)).replaceWithVoid();
        if (reads.isEmpty()) {
            return written.map(v -> Response.noContent().build());
        }
        return written.emitOn(Infrastructure.getDefaultWorkerPool())
                .map(v -> answer(resources.read(device.identity(), reads), reads));
    }

    /** Timestamped points: {@code alias=a&<ts>=<v>&...}; 409 lists the points refused. */
    @POST
    @Path("/onep:v1/stack/record")
    @Blocking
    public Uni<Response> record(@HeaderParam(DeviceAuth.HEADER) String token, String body) {
        List<Map.Entry<String, String>> pairs = Form.parse(body);
        if (pairs.isEmpty()) {
            throw ProblemException.badRequest("body", "give alias=<alias>&<unix seconds>=<value>&...");
        }
        List<String[]> parsed = new ArrayList<>();
        String alias = null;
        for (Map.Entry<String, String> pair : pairs) {
            if ("alias".equals(pair.getKey())) {
                alias = pair.getValue();
                AliasWrites.checkAlias("alias", alias);
            } else if (alias == null) {
                throw ProblemException.badRequest("body", "a point comes before any alias=");
            } else {
                aliasWrites.checkSize(alias, pair.getValue());
                parsed.add(new String[] { alias, pair.getKey(), pair.getValue() });
            }
        }
        if (parsed.isEmpty()) {
            throw ProblemException.badRequest("body", "no points to record");
        }
        var device = auth.authenticate(token);
        Instant now = Instant.now();
        long latest = now.plus(config.deviceApi().maxRecordSkew()).getEpochSecond();
        List<Map.Entry<String, String>> rejected = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        for (String[] p : parsed) {
            long ts;
            try {
                ts = Long.parseLong(p[1]);
            } catch (NumberFormatException e) {
                ts = -1;
            }
            if (ts < 0 || ts > latest) {
                rejected.add(Form.pair(p[0], p[1]));
                continue;
            }
            Instant at = Instant.ofEpochSecond(ts);
            points.add(new Point(p[0], p[2], at, true, aliasWrites.route(device, p[0], p[2], at)));
        }
        Uni<List<Point>> written = points.isEmpty() ? Uni.createFrom().item(List.of())
                : Uni.createFrom().completionStage(aliasWrites.submit(device, points));
        return written.map(refused -> {
            List<Map.Entry<String, String>> all = new ArrayList<>(rejected);
            refused.forEach(p -> all.add(Form.pair(p.alias(), Long.toString(p.at().getEpochSecond()))));
            if (all.isEmpty()) {
                return Response.noContent().build();
            }
            return Response.status(409).entity(Form.encode(all)).type(Form.MEDIA_TYPE).build();
        });
    }

    private Uni<Response> longPoll(String identity, String alias, long timeoutMs, Long since) {
        CompletableFuture<ResourceValue> poll = polls.await(identity, alias);
        // registered before reading, so a write committed in between is seen by one or the other
        ResourceValue current = resources.read(identity, List.of(alias)).get(alias);
        if (current != null && since != null && current.updatedAt().getEpochSecond() > since) {
            polls.cancel(identity, alias, poll);
            return Uni.createFrom().item(value(current));
        }
        return Uni.createFrom().completionStage(poll)
                .map(Optional::of)
                .ifNoItem().after(Duration.ofMillis(timeoutMs)).recoverWithItem(Optional.empty())
                .onTermination().invoke(() -> polls.cancel(identity, alias, poll))
                .map(v -> v.map(DeviceApiResource::value).orElseGet(() -> Response.notModified().build()));
    }

    private static Response value(ResourceValue value) {
        return Response.ok(Form.encode(List.of(Form.pair(value.alias(), value.value()))), Form.MEDIA_TYPE)
                .header("Last-Modified", DateTimeFormatter.RFC_1123_DATE_TIME.format(value.updatedAt().atZone(ZoneOffset.UTC)))
                .build();
    }

    private static Response answer(Map<String, ResourceValue> values, List<String> order) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String alias : order) {
            ResourceValue value = values.get(alias);
            if (value != null) {
                pairs.add(Form.pair(alias, value.value()));
            }
        }
        if (pairs.isEmpty()) {
            return Response.noContent().build();
        }
        return Response.ok(Form.encode(pairs), Form.MEDIA_TYPE).build();
    }

    private static List<String> aliases(String query) {
        List<String> names = Form.names(query);
        names.forEach(alias -> AliasWrites.checkAlias("query", alias));
        return names;
    }

    private long timeout(String header) {
        long ms;
        try {
            ms = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.badRequest("Request-Timeout", "must be milliseconds");
        }
        if (ms < 1 || ms > config.deviceApi().maxRequestTimeoutMs()) {
            throw ProblemException.badRequest("Request-Timeout", "must be between 1 and "
                    + config.deviceApi().maxRequestTimeoutMs() + " ms");
        }
        return ms;
    }

    /** {@code If-Modified-Since}: Unix seconds (Exosite) or an HTTP date. */
    private static long since(String header) {
        String text = header.trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            try {
                return ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
            } catch (DateTimeParseException e2) {
                throw ProblemException.badRequest("If-Modified-Since", "must be Unix seconds or an HTTP date");
            }
        }
    }
}
