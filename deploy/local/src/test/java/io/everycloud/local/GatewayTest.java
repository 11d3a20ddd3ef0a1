package io.everycloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.everycloud.testkit.Ports;

/**
 * The gateway against stand-in services (plain HTTP servers that echo what they receive): what a
 * client sends reaches the routed service unchanged, and what it answers comes back unchanged.
 */
class GatewayTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static HttpServer backend;
    private static Gateway gateway;
    private static int downPort;

    @BeforeAll
    static void start() throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        backend.setExecutor(Executors.newFixedThreadPool(8));
        backend.createContext("/", GatewayTest::echo);
        backend.start();
        downPort = Ports.free(); // nothing listens here: a service that is down
        Map<String, Integer> ports = new HashMap<>();
        RouteTableTest.ROUTES.services().keySet().forEach(name -> ports.put(name, backend.getAddress().getPort()));
        ports.put("claim", downPort);
        // short idle timeouts so that the test does not wait minutes: long polls 10 s, other requests 2 s
        gateway = new Gateway(RouteTableTest.ROUTES.withPorts(ports), "127.0.0.1", 0, 10_000, 2_000).start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        backend.stop(0);
    }

    /** Echoes the request: body back as body, what it saw in headers; {@code ?sleep=ms} waits first. */
    private static void echo(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null && query.startsWith("sleep=")) {
                try {
                    Thread.sleep(Long.parseLong(query.substring(6)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            var headers = exchange.getResponseHeaders();
            headers.set("Seen-Method", exchange.getRequestMethod());
            headers.set("Seen-Uri", exchange.getRequestURI().toString());
            headers.set("Seen-Host", String.valueOf(exchange.getRequestHeaders().getFirst("Host")));
            headers.set("Seen-Forwarded-For", String.valueOf(exchange.getRequestHeaders().getFirst("X-Forwarded-For")));
            headers.set("Seen-Forwarded-Proto", String.valueOf(exchange.getRequestHeaders().getFirst("X-Forwarded-Proto")));
            headers.set("Seen-Forwarded-Host", String.valueOf(exchange.getRequestHeaders().getFirst("X-Forwarded-Host")));
            headers.set("Seen-Custom", String.valueOf(exchange.getRequestHeaders().getFirst("X-Custom")));
            headers.set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return CLIENT.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static HttpRequest.Builder to(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery));
    }

    @Test
    void aRequestReachesTheRoutedServiceWithPathQueryAndHeadersAndNamesIt() throws Exception {
        HttpResponse<byte[]> response = send(to("/api/devices/d-1?limit=5&cursor=a%2Bb").header("X-Custom", "kept"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(Gateway.SERVICE_HEADER)).hasValue("device-registry");
        assertThat(response.headers().firstValue("Seen-Uri")).hasValue("/api/devices/d-1?limit=5&cursor=a%2Bb");
        assertThat(response.headers().firstValue("Seen-Custom")).hasValue("kept");
    }

    @Test
    void theHostIsKeptAndForwardedHeadersAreAddedByTheGatewayNotTakenFromTheClient() throws Exception {
        HttpResponse<byte[]> response = send(to("/oauth/jwks").header("X-Forwarded-For", "203.0.113.9"));

        String host = "127.0.0.1:" + gateway.port();
        assertThat(response.headers().firstValue(Gateway.SERVICE_HEADER)).hasValue("user");
        assertThat(response.headers().firstValue("Seen-Host")).hasValue(host);
        assertThat(response.headers().firstValue("Seen-Forwarded-Host")).hasValue(host);
        assertThat(response.headers().firstValue("Seen-Forwarded-Proto")).hasValue("http");
        assertThat(response.headers().firstValue("Seen-Forwarded-For")).hasValue("127.0.0.1");
    }

    @Test
    void largeBodiesPassBothWaysUnchanged() throws Exception {
        byte[] upload = new byte[5 * 1024 * 1024];
        new Random(7).nextBytes(upload);

        HttpResponse<byte[]> response = send(to("/api/firmware/packages").PUT(HttpRequest.BodyPublishers.ofByteArray(upload)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(Gateway.SERVICE_HEADER)).hasValue("firmware");
        assertThat(response.headers().firstValue("Seen-Method")).hasValue("PUT");
        assertThat(sha256(response.body())).isEqualTo(sha256(upload));
    }

    @Test
    void aChunkedUploadOfUnknownLengthPassesToo() throws Exception {
        byte[] upload = new byte[300_000];
        new Random(8).nextBytes(upload);

        HttpResponse<byte[]> response = send(to("/api/devices/import").POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(upload))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sha256(response.body())).isEqualTo(sha256(upload));
    }

    @Test
    void aServiceThatIsDownIsABadGatewayProblem() throws Exception {
        HttpResponse<byte[]> response = send(to("/api/claims"));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue(Gateway.SERVICE_HEADER)).hasValue("claim");
        assertThat(new String(response.body())).contains("\"status\":502").contains("claim service is not reachable");
    }

    @Test
    void aServiceThatStaysSilentBeyondTheIdleTimeoutIsAGatewayTimeoutProblem() throws Exception {
        HttpResponse<byte[]> response = send(to("/api/devices?sleep=5000"));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(new String(response.body())).contains("\"status\":504");
    }

    @Test
    void aDeviceLongPollMayWaitLongerThanOtherRequests() throws Exception {
        // same wait that made /api/devices a 504 above; the long-poll route allows it
        HttpResponse<byte[]> response = send(to("/onep:v1/stack/alias?sleep=5000"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue(Gateway.SERVICE_HEADER)).hasValue("device-registry");
    }

    /** Sends raw bytes on a new connection and reads the whole answer (the gateway closes after an unreadable request). */
    private static String raw(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** {@code GET /api/devices?pad=aaa... HTTP/1.1}, the request line exactly {@code length} bytes long. */
    private static String lineOf(int length) {
        String start = "GET /api/devices?pad=";
        String end = " HTTP/1.1";
        return start + "a".repeat(length - start.length() - end.length()) + end;
    }

    @Test
    void aRequestLineUpToTheLimitReachesTheService() throws Exception {
        String answer = raw(lineOf(Gateway.MAX_REQUEST_LINE - 16) + "\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer).containsIgnoringCase(Gateway.SERVICE_HEADER + ": device-registry");
    }

    @Test
    void aRequestLineAboveTheLimitIsA414ProblemFromTheGateway() throws Exception {
        String answer = raw(lineOf(Gateway.MAX_REQUEST_LINE + 16) + "\r\nHost: localhost\r\n\r\n");

        // the decoder gave up before reading the version: Vert.x answers as HTTP/1.0, and closes
        assertThat(answer).matches("(?s)HTTP/1\\.[01] 414 .*");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).contains("\"status\":414").contains("longer than " + Gateway.MAX_REQUEST_LINE + " bytes");
        assertThat(answer).doesNotContainIgnoringCase(Gateway.SERVICE_HEADER);
    }

    @Test
    void headersAboveTheLimitAreA431Problem() throws Exception {
        String answer = raw("GET /api/devices HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(Gateway.MAX_HEADER_SIZE + 16)
                + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 431");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).contains("\"status\":431").contains(Integer.toString(Gateway.MAX_HEADER_SIZE));
    }

    @Test
    void aRequestThatIsNotHttpIsA400Problem() throws Exception {
        String answer = raw("GET /api/devices HTTP/1.1\r\nHost: localhost\r\nContent-Length: nine\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(answer).containsIgnoringCase("content-type: application/problem+json");
        assertThat(answer).contains("\"status\":400");
    }

    @Test
    void healthIsServedWithTheServicesPrefixStripped() throws Exception {
        HttpResponse<byte[]> response = send(to("/services/notification/q/health/ready"));

        assertThat(response.headers().firstValue(Gateway.SERVICE_HEADER)).hasValue("notification");
        assertThat(response.headers().firstValue("Seen-Uri")).hasValue("/q/health/ready");
    }
}
