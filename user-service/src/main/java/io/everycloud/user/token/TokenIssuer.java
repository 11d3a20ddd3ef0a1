package io.everycloud.user.token;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

import io.everycloud.kit.config.EveryCloudConfig;
import io.everycloud.user.config.UserConfig;

/**
 * Mints the RS256 access tokens every service verifies: {@code iss} (the token issuer), {@code aud},
 * {@code sub} (user id or app id), {@code email} for people, {@code groups} (the role),
 * {@code exp}, {@code iat}, {@code jti}, and the signing key's {@code kid} in the header.
 */
@ApplicationScoped
public class TokenIssuer {

    @Inject
    SigningKeys keys;

    @Inject
    EveryCloudConfig everycloud;

    @Inject
    UserConfig config;

    /** A signed access token and its lifetime in seconds. */
    public record AccessToken(String token, long expiresIn) {
    }

    public AccessToken issue(String subject, String email, String role, String clientId) {
        Instant now = Instant.now();
        long ttl = config.tokens().accessTokenTtl().toSeconds();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(everycloud.tokenIssuer());
        claims.setAudience(config.tokens().audience());
        claims.setSubject(subject);
        claims.setIssuedAt(NumericDate.fromSeconds(now.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(now.getEpochSecond() + ttl));
        claims.setGeneratedJwtId();
        claims.setStringListClaim("groups", List.of(role));
        if (email != null) {
            claims.setClaim("email", email);
        }
        if (clientId != null) {
            claims.setClaim("azp", clientId);
        }
        return new AccessToken(sign(claims), ttl);
    }

    /** Signs any claims with the current key (also how tests shape tokens the endpoint never issues). */
    public String sign(JwtClaims claims) {
        RsaJsonWebKey key = keys.current();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("could not sign a token", e);
        }
    }
}
