package io.everycloud.user.token;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.inject.Inject;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.junit.jupiter.api.Test;

import io.everycloud.testkit.TestIssuer;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SigningKeyRotationTest {

    @Inject
    SigningKeys keys;

    @Test
    void afterARotationNewTokensUseTheNewKeyAndOldTokensStillVerify() throws Exception {
        String email = Api.email("rotation");
        Api.activeUser(email);
        String before = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        String oldKid = kidOf(before);

        String newKid = keys.rotateNow();

        String after = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        assertThat(kidOf(after)).isEqualTo(newKid).isNotEqualTo(oldKid);
        String jwks = given().get("/oauth/jwks").then().statusCode(200).extract().asString();
        List<String> published = new JsonWebKeySet(jwks).getJsonWebKeys().stream().map(k -> k.getKeyId()).toList();
        assertThat(published).contains(oldKid, newKid);

        JwtConsumer consumer = new JwtConsumerBuilder()
                .setVerificationKeyResolver(new JwksVerificationKeyResolver(new JsonWebKeySet(jwks).getJsonWebKeys()))
                .setExpectedIssuer(TestIssuer.ISSUER).setExpectedAudience("everycloud").build();
        assertThat(consumer.processToClaims(before).getStringClaimValue("email")).isEqualTo(email);
        assertThat(consumer.processToClaims(after).getStringClaimValue("email")).isEqualTo(email);
    }

    private static String kidOf(String token) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(token);
        return jws.getKeyIdHeaderValue();
    }
}
