package io.everycloud.portal.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.everycloud.portal.PortalConfig;

/**
 * The other services' HTTP APIs (API.md), called on behalf of the signed-in user with their
 * access token. Every refusal becomes an {@link UpstreamException} carrying a readable message.
 */
@ApplicationScoped
public class ServicesClient {

    private static final Logger LOG = Logger.getLogger(ServicesClient.class);
    /** The first-party client id user-service accepts for the password grant (API.md). */
    static final String CLIENT_ID = "portal";

    @Inject
    PortalConfig config;

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(java.time.Duration.ofSeconds(5)).build();

    // ---- user-service ----

    public Tokens login(String email, String password) {
        return tokens(form(Map.of("grant_type", "password", "username", email, "password", password, "client_id", CLIENT_ID)));
    }

    public Tokens refresh(String refreshToken) {
        return tokens(form(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", CLIENT_ID)));
    }

    /** Best effort RFC 7009 revocation; a user-service without the endpoint is not an error at sign-out. */
    public void revoke(String refreshToken) {
        try {
            HttpRequest request = base(config.services().userUrl() + "/oauth/revoke")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", refreshToken,
                            "token_type_hint", "refresh_token", "client_id", CLIENT_ID))))
                    .build();
            http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            LOG.debugf("could not revoke a refresh token: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void signup(String email, String password, String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("password", password);
        if (name != null && !name.isBlank()) {
            body.put("name", name);
        }
        send("POST", config.services().userUrl() + "/api/signup", null, body);
    }

    public void verify(String token) {
        send("POST", config.services().userUrl() + "/api/verify", null, Map.of("token", token));
    }

    public void requestPasswordReset(String email) {
        send("POST", config.services().userUrl() + "/api/password-reset", null, Map.of("email", email));
    }

    public void confirmPasswordReset(String token, String password) {
        send("POST", config.services().userUrl() + "/api/password-reset/confirm", null,
                Map.of("token", token, "password", password));
    }

    public JsonNode me(String accessToken) {
        return send("GET", config.services().userUrl() + "/api/me", accessToken, null);
    }

    public void changePassword(String accessToken, String currentPassword, String newPassword) {
        send("PUT", config.services().userUrl() + "/api/me/password", accessToken,
                Map.of("currentPassword", currentPassword, "newPassword", newPassword));
    }

    // ---- claim-service ----

    /** {@code {product, deviceCount}} without claiming. */
    public JsonNode claimPreview(String accessToken, String code) {
        return send("GET", config.services().claimUrl() + "/api/claims/preview?code=" + encode(code), accessToken, null);
    }

    /** {@code {devices:[identity...]}}. */
    public JsonNode claim(String accessToken, String code) {
        return send("POST", config.services().claimUrl() + "/api/claims", accessToken, Map.of("code", code));
    }

    // ---- device-registry-service ----

    /** The caller's devices (the registry answers only the user's own). */
    public JsonNode devices(String accessToken, String cursor) {
        String url = config.services().registryUrl() + "/api/devices?limit=100"
                + (cursor == null || cursor.isBlank() ? "" : "&cursor=" + encode(cursor));
        return send("GET", url, accessToken, null);
    }

    /** One device; the registry answers 404 for a device that is not the caller's. */
    public JsonNode device(String accessToken, String identity) {
        return send("GET", config.services().registryUrl() + "/api/devices/" + encodePath(identity), accessToken, null);
    }

    // ---- firmware-service ----

    /** {@code {installedVersion, state, available:[versions], history}}. */
    public JsonNode firmware(String accessToken, String identity) {
        return send("GET", config.services().firmwareUrl() + "/api/firmware/devices/" + encodePath(identity), accessToken, null);
    }

    public JsonNode requestUpdate(String accessToken, String identity, String version) {
        return send("POST", config.services().firmwareUrl() + "/api/firmware/devices/" + encodePath(identity) + "/update",
                accessToken, Map.of("version", version));
    }

    /** The owner declines the maker's offer of this version (an "ask owners" rollout). */
    public JsonNode declineOffer(String accessToken, String identity, String version) {
        return send("POST", config.services().firmwareUrl() + "/api/firmware/devices/" + encodePath(identity) + "/decline",
                accessToken, Map.of("version", version));
    }

    // ---- plumbing ----

    private Tokens tokens(String form) {
        HttpRequest request = base(config.services().userUrl() + "/oauth/token")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = exchange(request, "the account service");
        JsonNode body = parse(response.body());
        if (response.statusCode() != 200) {
            // RFC 6749 §5.2: {error, error_description}
            String description = body.path("error_description").asText("");
            if (description.isEmpty()) {
                description = "invalid_grant".equals(body.path("error").asText()) ? "wrong email or password"
                        : "signing in failed (" + response.statusCode() + ")";
            }
            throw new UpstreamException(response.statusCode(), description, List.of());
        }
        return new Tokens(body.path("access_token").asText(), body.path("refresh_token").asText(null),
                body.path("expires_in").asLong(300));
    }

    private JsonNode send(String method, String url, String accessToken, Object body) {
        HttpRequest.Builder builder = base(url).header("Accept", "application/json");
        if (accessToken != null) {
            builder.header("Authorization", "Bearer " + accessToken);
        }
        if (body != null) {
            try {
                builder.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = exchange(builder.build(), serviceName(url));
        if (response.statusCode() >= 400) {
            throw problem(response);
        }
        return parse(response.body());
    }

    private HttpResponse<String> exchange(HttpRequest request, String service) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new UpstreamException(504, service + " did not answer in time; please try again", List.of());
        } catch (ConnectException e) {
            throw new UpstreamException(503, service + " is not reachable right now; please try again shortly", List.of());
        } catch (IOException e) {
            LOG.warnf("calling %s failed: %s", request.uri(), e.getMessage());
            throw new UpstreamException(503, service + " is not reachable right now; please try again shortly", List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException(503, "the request was interrupted", List.of());
        }
    }

    private UpstreamException problem(HttpResponse<String> response) {
        JsonNode body = parse(response.body());
        String detail = body.path("detail").asText("");
        if (detail.isEmpty()) {
            detail = body.path("title").asText("");
        }
        if (detail.isEmpty()) {
            detail = switch (response.statusCode()) {
                case 401 -> "your session has ended; please sign in again";
                case 403 -> "you are not allowed to do this";
                case 404 -> "not found";
                case 429 -> "too many attempts; please wait a little and try again";
                default -> "the request failed (" + response.statusCode() + ")";
            };
        }
        List<String> details = new ArrayList<>();
        body.path("errors").forEach(error -> details.add(error.path("field").asText("") + ": " + error.path("message").asText("")));
        return new UpstreamException(response.statusCode(), detail, details);
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode();
        }
    }

    private HttpRequest.Builder base(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(config.services().timeout());
    }

    private String serviceName(String url) {
        PortalConfig.Services services = config.services();
        if (url.startsWith(services.claimUrl())) {
            return "the claiming service";
        }
        if (url.startsWith(services.registryUrl())) {
            return "the device registry";
        }
        if (url.startsWith(services.firmwareUrl())) {
            return "the firmware service";
        }
        return "the account service";
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A path segment: URLEncoder's form encoding with spaces as %20 (identities never hold spaces, but be exact). */
    static String encodePath(String value) {
        return encode(value).replace("+", "%20");
    }
}
