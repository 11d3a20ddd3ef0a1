package io.everycloud.registry;

import static io.restassured.RestAssured.given;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.everycloud.testkit.Tokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

/** Test helpers: provision devices through the management API and talk the device API as firmware does. */
public final class Fleet {

    public static final String FORM = "application/x-www-form-urlencoded; charset=utf-8";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A fresh identity, so tests sharing the database do not meet. */
    public static String newIdentity(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    public static String oem() {
        return Tokens.bearer(Tokens.oem());
    }

    /** Some user who owns nothing. */
    public static String bearerUser() {
        return Tokens.bearer(Tokens.user(UUID.randomUUID()));
    }

    /** Some app no device is routed to. */
    public static String bearerApp() {
        return Tokens.bearer(Tokens.app("ext_" + UUID.randomUUID().toString().substring(0, 8)));
    }

    /** Provisions a device with extra tags (oem). */
    public static void provision(String identity, Map<String, ?> tags) {
        given().header("Authorization", oem()).contentType(ContentType.JSON)
                .body(Map.of("identity", identity, "tags", tags))
                .when().post("/api/devices").then().statusCode(201);
    }

    public static void provision(String identity) {
        provision(identity, Map.of());
    }

    /** Activates a device and returns its token. */
    public static String activate(String identity) {
        HttpResponse<String> answer = post("/provision/activate", null, "id=" + identity);
        if (answer.statusCode() != 200) {
            throw new AssertionError("activation of " + identity + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    public static String provisionAndActivate(String identity) {
        provision(identity);
        return activate(identity);
    }

    public static void setTag(String identity, String name, Object values) {
        given().header("Authorization", oem()).contentType(ContentType.JSON).body(values)
                .when().put("/api/devices/{identity}/tags/{name}", identity, name).then().statusCode(200);
    }

    public static URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + RestAssured.port + pathAndQuery);
    }

    /** A device API POST with a form body, exactly as given. */
    public static HttpResponse<String> post(String pathAndQuery, String token, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", FORM)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("X-Exosite-CIK", token);
        }
        return send(request.build());
    }

    public static HttpResponse<String> get(String pathAndQuery, String token, String... headers) {
        return send(getRequest(pathAndQuery, token, headers));
    }

    public static CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery, String token, String... headers) {
        return HTTP.sendAsync(getRequest(pathAndQuery, token, headers), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest getRequest(String pathAndQuery, String token, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
        if (token != null) {
            request.header("X-Exosite-CIK", token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Fleet() {
    }
}
