package io.everycloud.user.token;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * A token endpoint error as RFC 6749 section 5.2 shapes it: {@code {"error", "error_description"}}
 * with 400, or 401 for client authentication failures; never problem+json, because OAuth clients
 * read these codes.
 */
public class OAuthError extends RuntimeException {

    private final int status;
    private final String error;
    private final Map<String, String> headers;

    public OAuthError(int status, String error, String description, Map<String, String> headers) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description, Map.of());
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description, Map.of());
    }

    /** 401; {@code basic} when the client tried HTTP Basic, which then gets its challenge back. */
    public static OAuthError invalidClient(String description, boolean basic) {
        return new OAuthError(401, "invalid_client", description,
                basic ? Map.of("WWW-Authenticate", "Basic realm=\"everycloud\"") : Map.of());
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError(400, "unauthorized_client", description, Map.of());
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError(400, "unsupported_grant_type", description, Map.of());
    }

    /** RFC 7009 2.2.1: the server does not revoke this kind of token. */
    public static OAuthError unsupportedTokenType(String description) {
        return new OAuthError(400, "unsupported_token_type", description, Map.of());
    }

    /** 429 with Retry-After: the address or account is throttled. */
    public static OAuthError slowDown(Duration retryAfter, String description) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new OAuthError(429, "temporarily_unavailable", description + "; retry in " + seconds + " s",
                Map.of("Retry-After", Long.toString(seconds)));
    }

    public Response toResponse() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", getMessage());
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store").header("Pragma", "no-cache").entity(body);
        headers.forEach(builder::header);
        return builder.build();
    }

    /** Maps the exception to its response. */
    public static class Mapper {
        @ServerExceptionMapper
        public Response map(OAuthError e) {
            return e.toResponse();
        }
    }
}
