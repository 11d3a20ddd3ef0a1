package io.everycloud.user.token;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.kit.http.UrlEncodedForm;
import io.everycloud.user.config.UserConfig;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token issuer's public face: discovery, JWKS, the RFC 6749 token endpoint and the RFC 7009
 * revocation endpoint. Both endpoints read their form body themselves ({@link UrlEncodedForm}),
 * so that a malformed {@code %}-escape, bytes that are not text or a NUL character is an
 * {@code invalid_request} naming the parameter, in RFC 6749's shape, never a 500.
 */
@Path("/")
public class TokenResource {

    @Inject
    LoginService logins;

    @Inject
    SigningKeys keys;

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    UserConfig config;

    @Inject
    RefreshTokens refreshTokens;

    @Inject
    io.everycloud.user.client.ClientService clients;

    @GET
    @Path(".well-known/openid-configuration")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> discovery() {
        String base = everycloud.publicUrl().replaceAll("/+$", "");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", everycloud.tokenIssuer());
        doc.put("jwks_uri", base + "/oauth/jwks");
        doc.put("token_endpoint", base + "/oauth/token");
        doc.put("grant_types_supported", List.of("password", "refresh_token", "client_credentials"));
        doc.put("response_types_supported", List.of("token"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        doc.put("revocation_endpoint", base + "/oauth/revoke");
        doc.put("revocation_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post", "none"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("claims_supported", List.of("iss", "aud", "sub", "email", "groups", "exp", "iat", "jti", "azp"));
        return doc;
    }

    @GET
    @Path("oauth/jwks")
    @Produces(MediaType.APPLICATION_JSON)
    public Response jwks() {
        // short caching: verifiers must see a newly published key well before it signs
        return Response.ok(keys.jwks()).header("Cache-Control", "public, max-age=60").build();
    }

    @POST
    @Path("oauth/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response token(byte[] content, @Context HttpHeaders headers, @Context HttpServerRequest request) {
        Map<String, List<String>> form = form(content, headers);
        String grantType = param(form, "grant_type");
        if (grantType == null) {
            throw OAuthError.invalidRequest("grant_type is required");
        }
        LoginService.Granted granted = switch (grantType) {
            case "password" -> password(form, request);
            case "refresh_token" -> refresh(form);
            case "client_credentials" -> clientCredentials(form, headers);
            default -> throw OAuthError.unsupportedGrantType("grant_type must be password, refresh_token or client_credentials");
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", granted.access().token());
        body.put("token_type", "Bearer");
        body.put("expires_in", granted.access().expiresIn());
        if (granted.refreshToken() != null) {
            body.put("refresh_token", granted.refreshToken());
        }
        return Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    private LoginService.Granted password(Map<String, List<String>> form, HttpServerRequest request) {
        String clientId = param(form, "client_id");
        if (clientId == null) {
            throw OAuthError.invalidRequest("client_id is required");
        }
        if (!config.tokens().firstPartyClients().contains(clientId)) {
            throw OAuthError.invalidClient("the password grant is only for first-party clients", false);
        }
        String username = param(form, "username");
        String password = param(form, "password");
        if (username == null || password == null) {
            throw OAuthError.invalidRequest("username and password are required");
        }
        if (password.length() > 1024) {
            throw OAuthError.invalidGrant(LoginService.WRONG_CREDENTIALS);
        }
        return logins.password(clientId, username.trim(), password, clientAddress(request));
    }

    private LoginService.Granted refresh(Map<String, List<String>> form) {
        String token = param(form, "refresh_token");
        if (token == null) {
            throw OAuthError.invalidRequest("refresh_token is required");
        }
        String clientId = param(form, "client_id");
        if (clientId != null && !config.tokens().firstPartyClients().contains(clientId)) {
            throw OAuthError.invalidClient("unknown client", false);
        }
        return logins.refresh(clientId, token);
    }

    /**
     * RFC 7009 token revocation: {@code token=<t>[&token_type_hint=refresh_token|access_token]}.
     * The client authenticates as at the token endpoint: an app with its secret (HTTP Basic or in
     * the form), a first-party public client ({@code portal}, {@code cli}) by its {@code client_id}.
     * A refresh token is revoked with its whole rotation family; an unknown, expired or already
     * revoked token is answered 200 like a revoked one (section 2.2), so the answer tells nothing.
     * Access tokens are short-lived signed JWTs that every service verifies on its own: they
     * cannot be revoked here ({@code unsupported_token_type}); they expire within minutes.
     */
    @POST
    @Path("oauth/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(byte[] content, @Context HttpHeaders headers) {
        Map<String, List<String>> form = form(content, headers);
        String clientId = revokingClient(form, headers);
        String token = param(form, "token");
        if (token == null) {
            throw OAuthError.invalidRequest("token is required");
        }
        // the hint only says where to look first (section 2.1): refresh tokens are the only kind
        // looked up, whatever the hint; an unknown hint is ignored
        switch (refreshTokens.revoke(token, clientId)) {
            case REVOKED -> {
            }
            case UNKNOWN -> {
                if (looksLikeAccessToken(token)) {
                    throw OAuthError.unsupportedTokenType("access tokens cannot be revoked; they expire on their own"
                            + " within minutes. Revoke the refresh token instead");
                }
            }
            case OTHER_CLIENT -> throw OAuthError.unauthorizedClient("the token was issued to another client");
        }
        return Response.ok().header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    /** The client of a revocation request, authenticated; 401 {@code invalid_client} otherwise. */
    private String revokingClient(Map<String, List<String>> form, HttpHeaders headers) {
        ClientCredentials credentials = credentials(form, headers);
        if (credentials.secret() == null) {
            if (credentials.clientId() == null) {
                throw OAuthError.invalidClient("client authentication is required (client_id, and client_secret for apps)", false);
            }
            if (!config.tokens().firstPartyClients().contains(credentials.clientId())) {
                throw OAuthError.invalidClient("unknown client or missing secret", false);
            }
            return credentials.clientId();
        }
        if (credentials.clientId() == null) {
            throw OAuthError.invalidClient("client authentication is required (client_id and client_secret)", credentials.basic());
        }
        return clients.authenticate(credentials.clientId(), credentials.secret())
                .map(client -> client.clientId)
                .orElseThrow(() -> OAuthError.invalidClient("unknown client or wrong secret", credentials.basic()));
    }

    /** A JWT (three base64url parts): what this issuer hands out as access tokens. */
    private static boolean looksLikeAccessToken(String token) {
        return token.length() < 8192 && token.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    private LoginService.Granted clientCredentials(Map<String, List<String>> form, HttpHeaders headers) {
        ClientCredentials credentials = credentials(form, headers);
        if (credentials.clientId() == null || credentials.secret() == null) {
            throw OAuthError.invalidClient("client authentication is required (client_id and client_secret)", credentials.basic());
        }
        return logins.clientCredentials(credentials.clientId(), credentials.secret(), credentials.basic());
    }

    /** Client credentials as sent: HTTP Basic (RFC 6749 2.3.1) or {@code client_id}/{@code client_secret} in the form. */
    private record ClientCredentials(String clientId, String secret, boolean basic) {
    }

    private static ClientCredentials credentials(Map<String, List<String>> form, HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        String clientId = param(form, "client_id");
        String secret = param(form, "client_secret");
        boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
        if (basic) {
            if (secret != null) {
                throw OAuthError.invalidRequest("use one client authentication method, not both");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidClient("the Basic credentials are not base64", true);
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthError.invalidClient("the Basic credentials have no secret", true);
            }
            // RFC 6749 2.3.1: both parts are form-urlencoded before base64
            String basicId;
            try {
                basicId = UrlEncodedForm.decode(decoded.substring(0, colon), "the client id of the Basic credentials");
                secret = UrlEncodedForm.decode(decoded.substring(colon + 1), "the secret of the Basic credentials");
            } catch (UrlEncodedForm.Malformed e) {
                throw OAuthError.invalidClient(e.getMessage(), true);
            }
            if (clientId != null && !clientId.equals(basicId)) {
                throw OAuthError.invalidRequest("client_id does not match the Basic credentials");
            }
            clientId = basicId;
        }
        return new ClientCredentials(clientId, secret, basic);
    }

    /**
     * The form body, read strictly in the charset the request names (UTF-8 by default); each
     * parameter at most once (RFC 6749 3.1). Anything malformed is {@code invalid_request}.
     */
    private static Map<String, List<String>> form(byte[] body, HttpHeaders headers) {
        Charset charset = StandardCharsets.UTF_8;
        MediaType type = headers.getMediaType();
        String named = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (named != null) {
            try {
                charset = Charset.forName(named.trim());
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidRequest("the charset of the form body is not supported; send UTF-8");
            }
        }
        Map<String, List<String>> form;
        try {
            form = UrlEncodedForm.parse(body, charset);
        } catch (UrlEncodedForm.Malformed e) {
            throw OAuthError.invalidRequest(e.getMessage());
        }
        for (Map.Entry<String, List<String>> param : form.entrySet()) {
            if (param.getValue().size() > 1) {
                throw OAuthError.invalidRequest("the parameter " + param.getKey() + " is given more than once");
            }
        }
        return form;
    }

    /** The client address; behind trusted proxies Quarkus takes it from X-Forwarded-For. */
    private static String clientAddress(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    private static String param(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        String value = values == null || values.isEmpty() ? null : values.get(0);
        return value == null || value.isEmpty() ? null : value;
    }
}
