package io.everycloud.user.selfissued;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

import io.everycloud.user.Api;
import io.everycloud.user.token.SigningKeys;
import io.everycloud.user.token.TokenIssuer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** Tokens from {@code /oauth/token} are what the services accept, and nothing else is. */
@QuarkusTest
@TestProfile(SelfIssued.class)
class SelfIssuedTokensTest {

    private static final String ADMIN = "admin@everycloud.local";
    private static final String ADMIN_PASSWORD = "admin-password-for-tests";

    @Inject
    TokenIssuer issuer;

    @Inject
    SigningKeys keys;

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void aPasswordGrantTokenIsAcceptedThroughTheIssuersOwnJwks() {
        String email = Api.email("self");
        UUID id = Api.activeUser(email);
        String token = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        given().header("Authorization", bearer(token)).get("/api/me").then().statusCode(200)
                .body("id", equalTo(id.toString())).body("email", equalTo(email));
    }

    @Test
    void theFirstOperatorSignsInAndManagesUsersWhileUsersAreRefused() {
        String admin = login(ADMIN, ADMIN_PASSWORD).then().statusCode(200).extract().path("access_token");
        given().header("Authorization", bearer(admin)).get("/api/me").then().statusCode(200)
                .body("role", equalTo("oem"));
        given().header("Authorization", bearer(admin)).get("/api/users").then().statusCode(200);

        String email = Api.email("plain");
        Api.activeUser(email);
        String user = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        given().header("Authorization", bearer(user)).get("/api/users").then().statusCode(403);
        given().header("Authorization", bearer(user)).contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post("/api/clients").then().statusCode(403);
    }

    @Test
    void expiredTokensAreRefused() {
        JwtClaims claims = claims(UUID.randomUUID().toString(), "user", SelfIssued.ISSUER, "everycloud");
        claims.setIssuedAt(NumericDate.fromSeconds(Instant.now().minusSeconds(3600).getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(Instant.now().minusSeconds(1800).getEpochSecond()));
        given().header("Authorization", bearer(issuer.sign(claims))).get("/api/me").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void tamperedTokensAreRefused() {
        String email = Api.email("tamper");
        Api.activeUser(email);
        String token = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"user\"", "\"oem\"");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        given().header("Authorization", bearer(forged)).get("/api/users").then().statusCode(401);
        given().header("Authorization", bearer(forged)).get("/api/me").then().statusCode(401);
    }

    @Test
    void tokensSignedByAForeignKeyAreRefusedEvenWithOurKeyId() throws Exception {
        RsaJsonWebKey foreign = RsaJwkGenerator.generateJwk(2048);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims(UUID.randomUUID().toString(), "oem", SelfIssued.ISSUER, "everycloud").toJson());
        jws.setKey(foreign.getPrivateKey());
        jws.setKeyIdHeaderValue(keys.current().getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        given().header("Authorization", bearer(jws.getCompactSerialization())).get("/api/users").then().statusCode(401);
    }

    @Test
    void tokensForAnotherAudienceOrIssuerAreRefused() {
        String subject = UUID.randomUUID().toString();
        given().header("Authorization", bearer(issuer.sign(claims(subject, "oem", SelfIssued.ISSUER, "elsewhere"))))
                .get("/api/users").then().statusCode(401);
        given().header("Authorization", bearer(issuer.sign(claims(subject, "oem", "https://evil.example", "everycloud"))))
                .get("/api/users").then().statusCode(401);
    }

    @Test
    void aBlockedUsersRefreshTokenStopsWorking() {
        String email = Api.email("blocked-self");
        UUID id = Api.activeUser(email);
        String refresh = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        String admin = login(ADMIN, ADMIN_PASSWORD).then().statusCode(200).extract().path("access_token");
        given().header("Authorization", bearer(admin)).post("/api/users/" + id + "/block").then().statusCode(200);
        Api.refresh(refresh).then().statusCode(400).body("error", equalTo("invalid_grant"));
        login(email, PASSWORD).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void tokensSignedBeforeAKeyRotationStillWork() {
        String email = Api.email("rotated");
        Api.activeUser(email);
        String before = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        keys.rotateNow();
        String after = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        given().header("Authorization", bearer(before)).get("/api/me").then().statusCode(200);
        given().header("Authorization", bearer(after)).get("/api/me").then().statusCode(200);
    }

    private static JwtClaims claims(String subject, String role, String iss, String aud) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(iss);
        claims.setAudience(aud);
        claims.setSubject(subject);
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        claims.setGeneratedJwtId();
        claims.setStringListClaim("groups", List.of(role));
        return claims;
    }
}
