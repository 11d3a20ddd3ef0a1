package io.everycloud.user.token;

import static io.everycloud.user.Api.PASSWORD;
import static io.everycloud.user.Api.login;
import static io.everycloud.user.Api.oem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** RFC 7009 token revocation at {@code POST /oauth/revoke}, as the portal's sign-out and the CLI use it. */
@QuarkusTest
class TokenRevocationTest {

    @Test
    void aRevokedRefreshTokenNoLongerRefreshes() {
        String email = Api.email("revoke");
        Api.activeUser(email);
        String refresh = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");

        revoke("portal", refresh, "refresh_token").then().statusCode(200)
                .header("Cache-Control", "no-store").body(emptyString());
        Api.refresh(refresh).then().statusCode(400).body("error", equalTo("invalid_grant"));
        // revoking it again is not an error (RFC 7009 2.2)
        revoke("portal", refresh, "refresh_token").then().statusCode(200);
    }

    @Test
    void revokingARefreshTokenEndsItsWholeRotationFamilyButNoOtherLogin() {
        String email = Api.email("revoke-family");
        Api.activeUser(email);
        String first = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        String second = Api.refresh(first).then().statusCode(200).extract().path("refresh_token");
        String otherLogin = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");

        // the used first token names the family: its live successor dies with it
        revoke("portal", first, null).then().statusCode(200);
        Api.refresh(second).then().statusCode(400).body("error", equalTo("invalid_grant"));
        // another sign-in (another browser) is another family and stays signed in
        Api.refresh(otherLogin).then().statusCode(200);
    }

    @Test
    void theHintOnlyHelpsAndUnknownHintsAreIgnored() {
        String email = Api.email("revoke-hint");
        Api.activeUser(email);
        String misHinted = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        revoke("portal", misHinted, "access_token").then().statusCode(200);
        Api.refresh(misHinted).then().statusCode(400).body("error", equalTo("invalid_grant"));

        String oddHint = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        revoke("portal", oddHint, "saml_assertion").then().statusCode(200);
        Api.refresh(oddHint).then().statusCode(400).body("error", equalTo("invalid_grant"));
    }

    @Test
    void unknownTokensAreAnsweredLikeRevokedOnes() {
        revoke("portal", "never-issued-" + Api.email("x"), "refresh_token").then().statusCode(200).body(emptyString());
        revoke("cli", "never-issued", null).then().statusCode(200);
    }

    @Test
    void accessTokensCannotBeRevokedAndTheAnswerSaysSo() {
        String email = Api.email("revoke-access");
        Api.activeUser(email);
        String access = login(email, PASSWORD).then().statusCode(200).extract().path("access_token");
        revoke("portal", access, "access_token").then().statusCode(400)
                .body("error", equalTo("unsupported_token_type"));
    }

    @Test
    void aClientCannotRevokeAnotherClientsToken() {
        String email = Api.email("revoke-other-client");
        Api.activeUser(email);
        String portalToken = login(email, PASSWORD).then().statusCode(200).extract().path("refresh_token");
        revoke("cli", portalToken, "refresh_token").then().statusCode(400).body("error", equalTo("unauthorized_client"));
        // still good for the client it was issued to
        Api.refresh(portalToken).then().statusCode(200);
    }

    @Test
    void clientsAuthenticateAsAtTheTokenEndpoint() {
        // no client at all, an unknown public client, an app with a wrong secret
        given().formParam("token", "t").post("/oauth/revoke").then().statusCode(401).body("error", equalTo("invalid_client"));
        revoke("someone-elses-app", "t", null).then().statusCode(401).body("error", equalTo("invalid_client"));

        var created = oem().contentType(ContentType.JSON).body(Map.of("name", "Revoking app"))
                .post("/api/clients").then().statusCode(201).extract();
        String clientId = created.path("clientId");
        String secret = created.path("clientSecret");
        given().auth().preemptive().basic(clientId, "wrong secret").formParam("token", "t").post("/oauth/revoke")
                .then().statusCode(401).header("WWW-Authenticate", "Basic realm=\"everycloud\"")
                .body("error", equalTo("invalid_client"));
        given().auth().preemptive().basic(clientId, secret).formParam("token", "t").post("/oauth/revoke")
                .then().statusCode(200);
        given().formParam("client_id", clientId).formParam("client_secret", secret).formParam("token", "t")
                .post("/oauth/revoke").then().statusCode(200);
        // an app without its secret is not a public client
        revoke(clientId, "t", null).then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void malformedRevocationsGetTheRfcErrors() {
        given().formParam("client_id", "portal").post("/oauth/revoke").then().statusCode(400)
                .contentType("application/json").body("error", equalTo("invalid_request"));
        given().formParam("client_id", "portal").formParam("token", "a").formParam("token", "b").post("/oauth/revoke")
                .then().statusCode(400).body("error", equalTo("invalid_request"));
        given().contentType("application/json").body("{\"token\":\"t\"}").post("/oauth/revoke").then().statusCode(415);
    }

    @Test
    void aMalformedEscapeOrANulInTheFormIsAnInvalidRequestNamingTheParameter() {
        String form = "application/x-www-form-urlencoded; charset=UTF-8";
        for (String body : new String[] {"client_id=portal&token=%zz", "client_id=portal&token=%G0", "client_id=portal&token=%"}) {
            given().contentType(form).body(body).post("/oauth/revoke").then().statusCode(400)
                    .contentType("application/json").body("error", equalTo("invalid_request"))
                    .body("error_description", org.hamcrest.Matchers.startsWith("the value of token has a malformed %-escape"));
        }
        given().contentType(form).body("client_id=portal&token=nul%00byte").post("/oauth/revoke").then().statusCode(400)
                .body("error", equalTo("invalid_request"))
                .body("error_description", equalTo("the value of token contains a NUL character (%00)"));
        given().auth().preemptive().basic("app%G0", "secret").contentType(form).body("token=t").post("/oauth/revoke")
                .then().statusCode(401).body("error", equalTo("invalid_client"));
    }

    @Test
    void theDiscoveryDocumentNamesTheRevocationEndpoint() {
        given().get("/.well-known/openid-configuration").then().statusCode(200)
                .body("revocation_endpoint", equalTo("http://localhost:8080/oauth/revoke"));
    }

    private static Response revoke(String clientId, String token, String hint) {
        var request = given().formParam("client_id", clientId).formParam("token", token);
        if (hint != null) {
            request.formParam("token_type_hint", hint);
        }
        return request.post("/oauth/revoke");
    }
}
