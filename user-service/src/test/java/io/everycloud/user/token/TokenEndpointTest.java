package io.everycloud.user.token;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

/** The token endpoint speaks RFC 6749: its errors are {@code {error, error_description}} with the right status. */
@QuarkusTest
class TokenEndpointTest {

    @Test
    void malformedRequestsGetTheRfcErrorCodes() {
        given().formParam("username", "x").post("/oauth/token").then().statusCode(400)
                .contentType("application/json").body("error", equalTo("invalid_request"));
        given().formParam("grant_type", "authorization_code").post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
        given().formParam("grant_type", "password").formParam("username", "a@example.com")
                .formParam("password", PASSWORD).post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().formParam("grant_type", "password").formParam("client_id", "portal")
                .formParam("username", "a@example.com").post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().formParam("grant_type", "password").formParam("grant_type", "password").post("/oauth/token").then()
                .statusCode(400).body("error", equalTo("invalid_request"));
        given().formParam("grant_type", "refresh_token").post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void thePasswordGrantIsOnlyForFirstPartyClients() {
        String email = Api.email("thirdparty");
        Api.activeUser(email);
        given().header("X-Forwarded-For", Api.address()).formParam("grant_type", "password")
                .formParam("client_id", "someone-elses-app").formParam("username", email).formParam("password", PASSWORD)
                .post("/oauth/token").then().statusCode(401).body("error", equalTo("invalid_client"));
        given().header("X-Forwarded-For", Api.address()).formParam("grant_type", "password")
                .formParam("client_id", "cli").formParam("username", email).formParam("password", PASSWORD)
                .post("/oauth/token").then().statusCode(200);
    }

    @Test
    void wrongPasswordsAndUnknownAddressesGetTheSameAnswer() {
        String email = Api.email("same");
        Api.activeUser(email);
        String wrongPassword = login(email, "not the password").then().statusCode(400).extract().asString();
        String unknownAccount = login(Api.email("ghost"), "not the password").then().statusCode(400).extract().asString();
        org.assertj.core.api.Assertions.assertThat(wrongPassword).isEqualTo(unknownAccount)
                .contains("invalid_grant");
    }

    @Test
    void refreshTokensRotateAndAReplayedOneRevokesItsSuccessors() {
        String email = Api.email("rotate");
        Api.activeUser(email);
        String first = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        String second = Api.refresh(first).then().statusCode(200)
                .body("access_token", not(equalTo(null))).body("refresh_token", not(equalTo(first)))
                .extract().path("refresh_token");
        // the first one was used: presenting it again is a replay, which ends the whole chain
        Api.refresh(first).then().statusCode(400).body("error", equalTo("invalid_grant"));
        Api.refresh(second).then().statusCode(400).body("error", equalTo("invalid_grant"));
        Api.refresh("made-up").then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void aRefreshTokenOnlyServesTheClientItWasIssuedTo() {
        String email = Api.email("client-bound");
        Api.activeUser(email);
        String token = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        given().formParam("grant_type", "refresh_token").formParam("refresh_token", token).formParam("client_id", "cli")
                .post("/oauth/token").then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void theTokenEndpointTakesOnlyForms() {
        given().contentType("application/json").body("{\"grant_type\":\"password\"}").post("/oauth/token").then()
                .statusCode(415);
    }
}
