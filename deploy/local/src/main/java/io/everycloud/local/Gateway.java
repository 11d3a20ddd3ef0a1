package io.everycloud.local;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

/**
 * The one public address of the local suite: a non-blocking reverse proxy that routes each
 * request by path with the chart's routing table ({@link RouteTable}) and streams bodies both
 * ways, so uploads, downloads and 300-second device long polls pass through unchanged.
 * It keeps {@code Host}, adds {@code X-Forwarded-For/Proto/Host} and names the answering service
 * in {@code X-EveryCloud-Service}; a service that is down or silent becomes a 502/504
 * problem+json, and so does a request it cannot read (a request line or headers above its limits:
 * 414/431, anything else malformed: 400) instead of Vert.x' bare answer.
 */
public final class Gateway implements AutoCloseable {

    /** Response header naming the service that answered (lets tests and people see the routing). */
    public static final String SERVICE_HEADER = "X-EveryCloud-Service";

    /** Device long polls last up to 300 s (Request-Timeout ≤ 300000); keep a margin above that. */
    static final long LONG_POLL_IDLE_MS = 310_000;
    /** Any other request: a service that sends nothing for this long is answered with 504. */
    static final long REQUEST_IDLE_MS = 120_000;

    /**
     * Longest request line read, in bytes: the same as the services' HTTP decoder reads (the kit's
     * {@code quarkus.http.limits.max-initial-line-length}). A line the gateway passes on is never
     * longer at the service (same method and version, the same or a shorter target), so up to here
     * the service answers: its kit refuses a target above the product limit (8192 characters,
     * {@code everycloud.http.max-request-target-length}) with a 414 problem+json. Above it the
     * gateway answers a 414 problem+json itself.
     */
    static final int MAX_REQUEST_LINE = 16 * 1024;
    /** Largest header block read, in bytes; the services read more (the kit's {@code max-header-size}), so up to here they answer. */
    static final int MAX_HEADER_SIZE = 64 * 1024;

    /** Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never forwarded. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "expect");

    private final RouteTable routes;
    private final String listenHost;
    private final int port;
    private final long longPollIdleMs;
    private final long requestIdleMs;
    private Vertx vertx;
    private HttpClient client;
    private HttpServer server;

    public Gateway(RouteTable routes, String listenHost, int port) {
        this(routes, listenHost, port, LONG_POLL_IDLE_MS, REQUEST_IDLE_MS);
    }

    /** With other idle timeouts (tests). */
    Gateway(RouteTable routes, String listenHost, int port, long longPollIdleMs, long requestIdleMs) {
        this.routes = routes;
        this.listenHost = listenHost;
        this.port = port;
        this.longPollIdleMs = longPollIdleMs;
        this.requestIdleMs = requestIdleMs;
    }

    public Gateway start() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout(5_000)
                .setIdleTimeout((int) (LONG_POLL_IDLE_MS / 1000) + 5)
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setDecompressionSupported(false),
                // every waiting long poll holds one connection to the registry
                new PoolOptions().setHttp1MaxSize(1000).setMaxWaitQueueSize(10_000));
        server = vertx.createHttpServer(new HttpServerOptions()
                .setHost(listenHost)
                .setPort(port)
                .setIdleTimeout((int) (LONG_POLL_IDLE_MS / 1000))
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setCompressionSupported(false)
                // HTTP/1.1 only, as the services speak it; an h2c upgrade offer is declined
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true)
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE));
        server.requestHandler(this::handle);
        server.invalidRequestHandler(Gateway::unreadable);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("the gateway cannot listen on " + listenHost + ":" + port
                    + " (is another suite running?): " + rootMessage(e), e);
        }
        return this;
    }

    public int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        RouteTable.Target target = routes.resolve(request.path());
        if (target == null) {
            problem(request.response(), null, 404, "Not Found", "No service answers " + request.path() + ".");
            return;
        }
        request.pause();
        String query = request.query();
        // Connect to the service on loopback, but keep the client's Host (and with it the public URL the service sees).
        HostAndPort authority = request.authority();
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setServer(SocketAddress.inetSocketAddress(target.port(), "127.0.0.1"))
                .setHost(authority == null ? "127.0.0.1" : authority.host())
                .setPort(authority == null ? target.port() : authority.port() < 0 ? 80 : authority.port())
                .setURI(query == null ? target.path() : target.path() + "?" + query)
                .setIdleTimeout(target.longPoll() ? longPollIdleMs : requestIdleMs);
        client.request(options).onComplete(created -> {
            if (created.failed()) {
                request.resume();
                problem(request.response(), target.service(), 502, "Bad Gateway",
                        "The " + target.service() + " service is not reachable.");
                return;
            }
            HttpClientRequest upstream = created.result();
            copyRequestHeaders(request, upstream.headers());
            // A client that gives up (e.g. a device ending its long poll) frees the upstream request too.
            request.response().closeHandler(v -> upstream.reset());
            upstream.response().onComplete(answered -> {
                if (answered.failed()) {
                    failed(request, target, answered.cause());
                } else {
                    relay(request, target, answered.result());
                }
            });
            boolean hasBody = request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                    || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
            if (hasBody) {
                if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
                    upstream.setChunked(true);
                }
                request.pipeTo(upstream).onFailure(e -> upstream.reset());
            } else {
                request.resume();
                upstream.end();
            }
        });
    }

    /**
     * A request the HTTP decoder could not read: a problem+json instead of Vert.x' bare status (or,
     * for other decoding failures, a closed connection). The connection is closed after it: what
     * follows the unreadable part cannot be trusted to start a request.
     */
    private static void unreadable(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        HttpServerResponse response = request.response().putHeader(HttpHeaders.CONNECTION, "close");
        if (cause instanceof TooLongHttpLineException) {
            problem(response, null, 414, "URI Too Long",
                    "The request line is longer than " + MAX_REQUEST_LINE + " bytes; the request target (path and query)"
                            + " may have at most 8192 characters.");
        } else if (cause instanceof TooLongHttpHeaderException) {
            problem(response, null, 431, "Request Header Fields Too Large",
                    "The request headers are larger than " + MAX_HEADER_SIZE + " bytes.");
        } else {
            problem(response, null, 400, "Bad Request", "The request is not valid HTTP/1.1.");
        }
    }

    private void relay(HttpServerRequest request, RouteTable.Target target, HttpClientResponse upstream) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            upstream.request().reset();
            return;
        }
        response.setStatusCode(upstream.statusCode());
        response.setStatusMessage(upstream.statusMessage());
        for (var header : upstream.headers()) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                response.headers().add(header.getKey(), header.getValue());
            }
        }
        response.headers().set(SERVICE_HEADER, target.service());
        boolean bodyless = request.method() == HttpMethod.HEAD || upstream.statusCode() == 204
                || upstream.statusCode() == 304 || upstream.statusCode() < 200;
        if (!bodyless && !upstream.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        upstream.pipeTo(response).onFailure(e -> response.reset());
    }

    private void failed(HttpServerRequest request, RouteTable.Target target, Throwable cause) {
        HttpServerResponse response = request.response();
        if (response.headWritten() || response.closed()) {
            response.reset();
            return;
        }
        if (isTimeout(cause)) {
            problem(response, target.service(), 504, "Gateway Timeout",
                    "The " + target.service() + " service did not answer in time.");
        } else {
            problem(response, target.service(), 502, "Bad Gateway",
                    "The " + target.service() + " service closed the connection without an answer.");
        }
    }

    private static boolean isTimeout(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    private static void copyRequestHeaders(HttpServerRequest request, MultiMap target) {
        Set<String> connectionTokens = new java.util.HashSet<>();
        for (String value : request.headers().getAll(HttpHeaders.CONNECTION)) {
            for (String token : value.split(",")) {
                connectionTokens.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        for (var header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name) && !connectionTokens.contains(name) && !name.startsWith("x-forwarded-")) {
                target.add(header.getKey(), header.getValue());
            }
        }
        // This is the edge: what a client claims in X-Forwarded-* is replaced, never trusted.
        if (request.remoteAddress() != null) {
            target.set("X-Forwarded-For", request.remoteAddress().hostAddress());
        }
        target.set("X-Forwarded-Proto", request.scheme());
        String host = request.getHeader(HttpHeaders.HOST);
        if (host != null) {
            target.set("X-Forwarded-Host", host);
        }
        target.remove(HttpHeaders.HOST); // written from the request's authority, which is the client's Host
    }

    private static void problem(HttpServerResponse response, String service, int status, String title, String detail) {
        String body = "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json");
        if (service != null) {
            response.putHeader(SERVICE_HEADER, service);
        }
        response.end(body);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    public void close() {
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // stopping anyway; the JVM is on its way out
            }
            vertx = null;
        }
    }
}
