package io.everycloud.kit.http;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads a small JSON body whole on the event loop, before the request goes on to the resources.
 * <p>
 * Quarkus REST hands a blocking resource method's request to a worker thread before its body is
 * read; the worker then reads the body through a blocking stream, and waits until the event loop
 * gets round to giving it the bytes (which arrived with the headers). Under load the event loop is
 * busy with other requests (the bearer tokens' signatures are checked there), so every such request
 * held a worker and waited in the middle of its way: thread dumps of claim-service at 500 claims/s
 * found 20 of its workers in {@code VertxBlockingInput.readBlocking} at once, one in the database
 * (docs/benchmarks.md). Read here, the body is in memory when the resource's JSON reader asks
 * (Quarkus REST takes a body the routing context already has), and the worker starts with
 * everything it needs.
 * <p>
 * Only HTTP/1.x bodies that declare their length, at most {@link #MAX_BYTES}, with a JSON media
 * type: a form, a multipart upload, a CSV import or a large body keeps the streaming path, where its
 * own limit applies. HTTP/2 requests (h2c, as the JDK's HTTP client upgrades to) keep it too: Quarkus
 * REST pauses every request it takes, and Vert.x refuses to pause an HTTP/2 request whose body has
 * been read (500 "Request has already been read"). Runs after the body-size check ({@link HttpProblems}, priority 1000), so a body
 * over a path's limit is refused before a byte of it is read.
 */
@ApplicationScoped
public class SmallJsonBodies {

    /** Largest body read ahead: the JSON of the APIs' requests is a few hundred bytes. */
    public static final int MAX_BYTES = 64 * 1024;

    /** After the body-size check (1000). */
    static final int PRIORITY = 900;

    private final BodyHandler reader = BodyHandler.create(false).setBodyLimit(MAX_BYTES).setPreallocateBodyBuffer(true);

    void register(@Observes Filters filters) {
        filters.register(this::read, PRIORITY);
    }

    private void read(RoutingContext ctx) {
        if (!ctx.body().available() && isSmallJson(ctx.request())) {
            reader.handle(ctx);
        } else {
            ctx.next();
        }
    }

    /** An HTTP/1.x body that declares at most {@link #MAX_BYTES} bytes of {@code application/json} or {@code application/*+json}. */
    static boolean isSmallJson(HttpServerRequest request) {
        if (request.version() == HttpVersion.HTTP_2) {
            return false;
        }
        HttpMethod method = request.method();
        if (method != HttpMethod.POST && method != HttpMethod.PUT && method != HttpMethod.PATCH) {
            return false;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (length == null || type == null) {
            return false;
        }
        long declared;
        try {
            declared = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        return declared > 0 && declared <= MAX_BYTES && isJson(type);
    }

    private static boolean isJson(String contentType) {
        int parameters = contentType.indexOf(';');
        String media = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }
}
