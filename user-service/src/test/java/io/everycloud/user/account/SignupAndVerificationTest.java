package io.everycloud.user.account;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.json;
import static io.everycloud.user.Api.login;
import static io.everycloud.user.Api.signup;
import static io.everycloud.user.Api.tokenOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.List;
import java.util.Map;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import io.everycloud.events.Topics;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.TestIssuer;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SignupAndVerificationTest {

    @Test
    void signingUpThenFollowingTheEmailedLinkLetsTheUserSignIn() throws Exception {
        String email = Api.email("signup");
        signup(email, PASSWORD).then().statusCode(201)
                .body("email", equalTo(email)).body("status", equalTo("pending"));

        UserEvents.AccountRegistered registered = Api.registered(email);
        assertThat(registered.origin()).isEqualTo(UserEvents.ORIGIN_SIGNUP);
        assertThat(registered.status()).isEqualTo("pending");
        assertThat(registered.verificationUrl()).startsWith("http://localhost:8080/verify?token=");
        assertThat(registered.expiresAt()).isNotNull();

        login(email, PASSWORD).then().statusCode(400)
                .body("error", equalTo("invalid_grant"))
                .body("error_description", containsString("not verified"));

        json().body(Map.of("token", tokenOf(registered.verificationUrl()))).post("/api/verify").then().statusCode(200)
                .body("id", equalTo(registered.userId().toString()))
                .body("status", equalTo("active"));
        assertThat(Api.event(UserEvents.AccountVerified.class, email).userId()).isEqualTo(registered.userId());

        String accessToken = login(email, PASSWORD).then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(300))
                .extract().path("access_token");

        // the token verifies against the published JWKS and carries what every service reads
        String jwks = given().get("/oauth/jwks").then().statusCode(200).extract().asString();
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer(TestIssuer.ISSUER)
                .setExpectedAudience("everycloud")
                .setRequireExpirationTime().setRequireIssuedAt().setRequireJwtId().setRequireSubject()
                .build();
        JwtClaims claims = consumer.processToClaims(accessToken);
        assertThat(claims.getSubject()).isEqualTo(registered.userId().toString());
        assertThat(claims.getStringClaimValue("email")).isEqualTo(email);
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("user");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(300);
    }

    @Test
    void aVerificationLinkWorksOnce() {
        String email = Api.email("once");
        signup(email, PASSWORD).then().statusCode(201);
        String token = tokenOf(Api.registered(email).verificationUrl());
        json().body(Map.of("token", token)).post("/api/verify").then().statusCode(200);
        json().body(Map.of("token", token)).post("/api/verify").then().statusCode(410)
                .contentType("application/problem+json").body("detail", containsString("already used"));
    }

    @Test
    void anUnknownVerificationTokenIsRefusedNamingTheField() {
        json().body(Map.of("token", "not-a-token")).post("/api/verify").then().statusCode(400)
                .body("errors.field", hasItem("token"));
        json().body("{}").post("/api/verify").then().statusCode(400).body("errors.field", hasItem("token"));
    }

    @Test
    void weakPasswordsAreRefusedWithTheRuleTheyBreak() {
        String email = Api.email("weak");
        signup(email, "short").then().statusCode(400)
                .body("errors.field", hasItem("password"))
                .body("errors.message", hasItem(containsString("at least 10")));
        signup(email, "Password123").then().statusCode(400)
                .body("errors.message", hasItem(containsString("too common")));
        signup(email, email.toUpperCase()).then().statusCode(400)
                .body("errors.message", hasItem(containsString("e-mail")));
        json().body(Map.of("email", "not-an-address", "password", PASSWORD)).post("/api/signup").then().statusCode(400)
                .body("errors.field", hasItem("email"));
        assertThat(EventProbe.events(Topics.USER_ACCOUNT, e -> e.data().path("email").asText().equals(email))).isEmpty();
    }

    @Test
    void signingUpWithAnAddressThatHasAnAccountLooksTheSameButSendsAResetLinkInstead() {
        String email = Api.email("twice");
        Api.activeUser(email);
        signup(email, "another long password").then().statusCode(201)
                .body("email", equalTo(email)).body("status", equalTo("pending"));
        UserEvents.PasswordResetRequested reset = Api.event(UserEvents.PasswordResetRequested.class, email);
        assertThat(reset.resetUrl()).startsWith("http://localhost:8080/password-reset?token=");
        // the first password still works: an anonymous sign-up changed nothing
        login(email, PASSWORD).then().statusCode(200);
        assertThat(EventProbe.events(Topics.USER_ACCOUNT,
                e -> e.is(UserEvents.AccountRegistered.class) && e.data().path("email").asText().equals(email)))
                .hasSize(1);
    }

    @Test
    void discoveryNamesTheIssuerAndItsEndpoints() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("issuer", equalTo(TestIssuer.ISSUER))
                .body("jwks_uri", equalTo("http://localhost:8080/oauth/jwks"))
                .body("token_endpoint", equalTo("http://localhost:8080/oauth/token"))
                .body("grant_types_supported", equalTo(List.of("password", "refresh_token", "client_credentials")));
        given().get("/oauth/jwks").then().statusCode(200)
                .body("keys[0].kty", equalTo("RSA"))
                .body("keys[0].alg", equalTo("RS256"))
                .body("keys[0].d", equalTo(null));
    }
}
