package io.everycloud.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A device that speaks only Exosite's HTTP Device API (API.md, "Device API") through the one
 * public address: form-encoded bodies, the token in {@code X-Exosite-CIK}, long polls with
 * {@code Request-Timeout}. Nothing here knows about the services behind the gateway.
 */
final class DeviceSimulator {

    private static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String address;
    private final String identity;
    private String token;

    DeviceSimulator(String address, String identity) {
        this.address = address;
        this.identity = identity;
    }

    String identity() {
        return identity;
    }

    /** {@code POST /provision/activate id=<identity>}; keeps the 40-character token. */
    HttpResponse<String> activate() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/provision/activate"))
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("id", identity)))), Duration.ofSeconds(30));
        if (response.statusCode() == 200) {
            token = response.body().trim();
        }
        return response;
    }

    /** {@code POST /onep:v1/stack/alias} with {@code alias=value&...}; the device API answers 204. */
    HttpResponse<String> write(Map<String, String> values) {
        return send(authorized("/onep:v1/stack/alias")
                .header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(form(values))), Duration.ofSeconds(30));
    }

    HttpResponse<String> write(String alias, String value) {
        return write(Map.of(alias, value));
    }

    /** {@code GET /onep:v1/stack/alias?a&b}: the values the platform holds (only aliases that have one). */
    Map<String, String> read(String... aliases) {
        HttpResponse<String> response = send(authorized("/onep:v1/stack/alias?" + String.join("&", aliases)).GET(), Duration.ofSeconds(30));
        if (response.statusCode() == 204) {
            return Map.of();
        }
        if (response.statusCode() != 200) {
            throw new AssertionError(identity + ": read " + String.join(",", aliases) + " answered " + response.statusCode() + " " + response.body());
        }
        return parseForm(response.body());
    }

    /**
     * One long poll of {@code alias}: the value when it is written (or was written after
     * {@code ifModifiedSince}, Unix seconds), empty on 304 at the timeout.
     */
    Optional<String> longPoll(String alias, Duration requestTimeout, Long ifModifiedSince) {
        HttpRequest.Builder request = authorized("/onep:v1/stack/alias?" + alias)
                .header("Request-Timeout", Long.toString(requestTimeout.toMillis()))
                .GET();
        if (ifModifiedSince != null) {
            request.header("If-Modified-Since", Long.toString(ifModifiedSince));
        }
        HttpResponse<String> response = send(request, requestTimeout.plusSeconds(30));
        if (response.statusCode() == 304) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw new AssertionError(identity + ": long poll of " + alias + " answered " + response.statusCode() + " " + response.body());
        }
        return Optional.ofNullable(parseForm(response.body()).get(alias));
    }

    /**
     * Downloads a content item with {@code GET /provision/download?id=} in {@code Range} pieces of
     * {@code chunk} bytes, as a device with little memory does; each piece must be a 206 with its
     * {@code Content-Range}.
     */
    byte[] download(String contentId, int chunk) {
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        long total = -1;
        while (total < 0 || content.size() < total) {
            long from = content.size();
            HttpResponse<byte[]> piece = sendBytes(authorized("/provision/download?id=" + URLEncoder.encode(contentId, StandardCharsets.UTF_8))
                    .header("Range", "bytes=" + from + "-" + (from + chunk - 1)).GET());
            if (piece.statusCode() != 206) {
                throw new AssertionError(identity + ": download of " + contentId + " bytes " + from + "- answered "
                        + piece.statusCode() + " " + new String(piece.body(), StandardCharsets.UTF_8));
            }
            String range = piece.headers().firstValue("Content-Range")
                    .orElseThrow(() -> new AssertionError(identity + ": a 206 without Content-Range"));
            if (!range.startsWith("bytes " + from + "-")) {
                throw new AssertionError(identity + ": asked for bytes from " + from + ", got " + range);
            }
            total = Long.parseLong(range.substring(range.indexOf('/') + 1));
            if (piece.body().length == 0) {
                throw new AssertionError(identity + ": an empty piece at " + from + " of " + total);
            }
            content.writeBytes(piece.body());
        }
        return content.toByteArray();
    }

    /** Reports a firmware update status in {@code otau_in} ({@code {"version","status","message"}}). */
    HttpResponse<String> reportOtau(String version, String status, String message) {
        return write("otau_in", "{\"version\":\"" + version + "\",\"status\":\"" + status + "\",\"message\":\"" + message + "\"}");
    }

    /** {@code GET /timestamp}: the platform's clock, Unix seconds. */
    long platformTime() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/timestamp")).GET(), Duration.ofSeconds(30));
        return Long.parseLong(response.body().trim());
    }

    private HttpRequest.Builder authorized(String path) {
        if (token == null) {
            throw new IllegalStateException(identity + " is not activated");
        }
        return HttpRequest.newBuilder(uri(path)).header("X-Exosite-CIK", token);
    }

    private URI uri(String path) {
        return URI.create(address + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request, Duration timeout) {
        try {
            return HTTP.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(identity + ": device API request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(identity + ": download request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String form(Map<String, String> values) {
        StringJoiner body = new StringJoiner("&");
        values.forEach((name, value) -> body.add(URLEncoder.encode(name, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return body.toString();
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : body.trim().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            values.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return values;
    }
}
