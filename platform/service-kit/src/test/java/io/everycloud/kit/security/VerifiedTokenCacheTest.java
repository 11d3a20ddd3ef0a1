package io.everycloud.kit.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.everycloud.testkit.TestInfrastructure;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** A bearer token sent again is answered from the cache of verified tokens, with what it said the first time. */
@QuarkusTest
class VerifiedTokenCacheTest {

    @Inject
    VerifiedTokens tokens;

    @Test
    void aTokenSentAgainIsAnsweredFromTheCacheWithThatRequestsOwnContext() {
        String token = Tokens.oem();
        long hits = tokens.hits();

        given().auth().oauth2(token).header("X-Probe", "first")
                .when().get("/whoami")
                .then().statusCode(200).body(equalTo(Tokens.OEM_ID + " [oem] first"));
        given().auth().oauth2(token).header("X-Probe", "second")
                .when().get("/whoami")
                .then().statusCode(200).body(equalTo(Tokens.OEM_ID + " [oem] second"));

        assertThat(tokens.hits()).isGreaterThan(hits);
    }

    @Test
    void aCachedTokensRolesStillDecide() {
        String user = Tokens.user(UUID.randomUUID());
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(user).when().get("/notes/operators-only").then().statusCode(403);
        }
        String oem = Tokens.oem();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(oem).when().get("/notes/operators-only").then().statusCode(200);
        }
    }

    @Test
    void aCachedTokenIsRefusedOnceItExpires() throws InterruptedException {
        String token = TestInfrastructure.issuer().token(UUID.randomUUID().toString(), null, "user", Duration.ofSeconds(2));
        given().auth().oauth2(token).when().get("/whoami").then().statusCode(200);
        given().auth().oauth2(token).when().get("/whoami").then().statusCode(200);

        Thread.sleep(3_500); // exp is in whole seconds: 2 s from issue, rounded down

        given().auth().oauth2(token).when().get("/whoami").then().statusCode(401);
    }

    @Test
    void aRefusedTokenIsNotRemembered() {
        String foreign = Tokens.foreign("oem");
        int size = tokens.size();
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(foreign).when().get("/whoami").then().statusCode(401);
        }
        given().auth().oauth2(Tokens.wrongAudience("oem")).when().get("/whoami").then().statusCode(401);
        assertThat(tokens.size()).isEqualTo(size);
    }
}
