package io.everycloud.user.token;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;

import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

/** The token endpoint speaks RFC 6749: its errors are {@code {error, error_description}} with the right status. */
@QuarkusTest
class TokenEndpointTest {

    private static final String FORM = "application/x-www-form-urlencoded; charset=UTF-8";

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
    void aMalformedPercentEscapeIsAnInvalidRequestNamingTheParameterNeverA500() {
        for (String body : new String[] {"a=%zz", "a=%G0", "a=%", "grant_type=password&client_id=portal&username=%zz&password=x"}) {
            String parameter = body.startsWith("a=") ? "a" : "username";
            given().contentType(FORM).body(body).post("/oauth/token").then().statusCode(400)
                    .contentType("application/json")
                    .body("error", equalTo("invalid_request"))
                    .body("error_description", startsWith("the value of " + parameter + " has a malformed %-escape"));
        }
        given().contentType(FORM).body("%zz=1").post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("the parameter name '%zz' has a malformed %-escape ('%zz')"));
    }

    @Test
    void aNulCharacterOrBytesThatAreNotUtf8AreAnInvalidRequestNamingTheParameter() {
        given().contentType(FORM).body("grant_type=password&client_id=portal&username=nul%00byte&password=x")
                .post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("the value of username contains a NUL character (%00)"));
        given().contentType(FORM).body("grant_type=password&client_id=portal&username=a%40example.com&password=%C3%28")
                .post("/oauth/token").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("the value of password is not UTF-8"));
    }

    @Test
    void escapedUtf8IsReadAsTextAndAnEscapedPasswordSignsIn() {
        String email = Api.email("utf8");
        Api.activeUser(email);
        // the test user's password is ASCII: a wrong UTF-8 one is read as text (invalid_grant), the right one signs in
        given().header("X-Forwarded-For", Api.address()).contentType(FORM)
                .body("grant_type=password&client_id=portal&username=" + email.replace("@", "%40") + "&password=Gr%C3%BC%C3%9Fe")
                .post("/oauth/token").then().statusCode(400).body("error", equalTo("invalid_grant"));
        given().header("X-Forwarded-For", Api.address()).contentType(FORM)
                .body("grant_type=password&client_id=portal&username=" + email.replace("@", "%40") + "&password="
                        + java.net.URLEncoder.encode(PASSWORD, java.nio.charset.StandardCharsets.UTF_8))
                .post("/oauth/token").then().statusCode(200).body("token_type", equalTo("Bearer"));
    }

    @Test
    void malformedBasicCredentialsAreAnInvalidClient() {
        given().auth().preemptive().basic("app%zz", "secret").contentType(FORM).body("grant_type=client_credentials")
                .post("/oauth/token").then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"everycloud\"")
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("the client id of the Basic credentials has a malformed %-escape ('%zz')"));
        given().auth().preemptive().basic("app", "se%00cret").contentType(FORM).body("grant_type=client_credentials")
                .post("/oauth/token").then().statusCode(401)
                .body("error", equalTo("invalid_client"))
                .body("error_description", equalTo("the secret of the Basic credentials contains a NUL character (%00)"));
    }

    @Test
    void theTokenEndpointTakesOnlyForms() {
        given().contentType("application/json").body("{\"grant_type\":\"password\"}").post("/oauth/token").then()
                .statusCode(415);
    }
}
