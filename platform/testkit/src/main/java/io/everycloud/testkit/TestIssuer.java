package io.everycloud.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token issuer for tests: serves a JWKS at {@code /oauth/jwks} (the path user-service uses) and
 * mints tokens shaped like user-service's ({@code sub}, {@code email}, {@code groups}, audience
 * {@code everycloud}). Services under test verify them with quarkus-oidc exactly as in production.
 */
public final class TestIssuer implements AutoCloseable {

    public static final String ISSUER = "https://issuer.everycloud.test";
    public static final String AUDIENCE = "everycloud";

    private final RsaJsonWebKey key;
    private final RsaJsonWebKey foreignKey;
    private HttpServer http;

    public TestIssuer() {
        try {
            key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId("test-" + UUID.randomUUID());
            foreignKey = RsaJwkGenerator.generateJwk(2048);
            foreignKey.setKeyId(key.getKeyId());
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized TestIssuer start() {
        if (http != null) {
            return this;
        }
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        http.createContext("/", this::handle);
        http.start();
        return this;
    }

    /** Base URL of the issuer's HTTP endpoints (what services call {@code everycloud.issuer-url}). */
    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** A token for the subject with the given role, valid for 10 minutes. */
    public String token(String subject, String email, String role) {
        return token(subject, email, role, Duration.ofMinutes(10));
    }

    /** A token for the subject with the given role, valid for the given time (a benchmark's run). */
    public String token(String subject, String email, String role, Duration validFor) {
        return sign(claims(subject, email, List.of(role), AUDIENCE, validFor), key);
    }

    public String expiredToken(String subject, String role) {
        JwtClaims claims = claims(subject, null, List.of(role), AUDIENCE, Duration.ofMinutes(10));
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().minusSeconds(3600).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(1800).getEpochSecond()));
        return sign(claims, key);
    }

    /** Signed by a key the issuer never published (same key id): must be refused. */
    public String foreignToken(String subject, String role) {
        return sign(claims(subject, null, List.of(role), AUDIENCE, Duration.ofMinutes(10)), foreignKey);
    }

    public String wrongAudienceToken(String subject, String role) {
        return sign(claims(subject, null, List.of(role), "someone-else", Duration.ofMinutes(10)), key);
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop(0);
            http = null;
        }
    }

    private static JwtClaims claims(String subject, String email, List<String> groups, String audience, Duration ttl) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setSubject(subject);
        claims.setAudience(audience);
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().plus(ttl).getEpochSecond()));
        claims.setGeneratedJwtId();
        claims.setStringListClaim("groups", groups);
        if (email != null) {
            claims.setClaim("email", email);
            claims.setClaim("upn", email);
        }
        return claims;
    }

    private static String sign(JwtClaims claims, RsaJsonWebKey signingKey) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey.getPrivateKey());
        jws.setKeyIdHeaderValue(signingKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body;
            if (path.equals("/oauth/jwks")) {
                body = new JsonWebKeySet(key).toJson();
            } else if (path.equals("/.well-known/openid-configuration")) {
                body = "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":\"" + url() + "/oauth/jwks\",\"token_endpoint\":\""
                        + url() + "/oauth/token\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}";
            } else {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
