package io.everycloud.user.client;

import static io.everycloud.user.Api.oem;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;

import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ClientCredentialsTest {

    @Test
    void anExternalAppGetsAnExtIdAndItsSecretOnce() throws Exception {
        var created = oem().contentType(ContentType.JSON).body(Map.of("name", "Weather dashboard"))
                .post("/api/clients").then().statusCode(201).header("Cache-Control", "no-store").extract();
        String clientId = created.path("clientId");
        String secret = created.path("clientSecret");
        assertThat(clientId).matches("ext_[1-9][0-9]{17}");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(40);

        oem().get("/api/clients/" + clientId).then().statusCode(200)
                .body("name", equalTo("Weather dashboard")).body("clientSecret", nullValue());

        String token = given().auth().preemptive().basic(clientId, secret)
                .formParam("grant_type", "client_credentials").post("/oauth/token").then().statusCode(200)
                .body("token_type", equalTo("Bearer")).body("refresh_token", nullValue())
                .extract().path("access_token");
        JwtClaims claims = new JwtConsumerBuilder().setSkipSignatureVerification().setSkipAllValidators().build()
                .processToClaims(token);
        assertThat(claims.getSubject()).isEqualTo(clientId);
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("app");
        assertThat(claims.hasClaim("email")).isFalse();

        given().formParam("grant_type", "client_credentials").formParam("client_id", clientId)
                .formParam("client_secret", secret).post("/oauth/token").then().statusCode(200);
    }

    @Test
    void aMuranoAppKeepsItsIdAndIdsAreUnique() {
        oem().contentType(ContentType.JSON).body(Map.of("name", "Murano app", "appId", "i18ocqqozws800001"))
                .post("/api/clients").then().statusCode(201).body("clientId", equalTo("i18ocqqozws800001"));
        oem().contentType(ContentType.JSON).body(Map.of("name", "Again", "appId", "i18ocqqozws800001"))
                .post("/api/clients").then().statusCode(409);
        oem().contentType(ContentType.JSON).body(Map.of("name", "Bad", "appId", "has:colon"))
                .post("/api/clients").then().statusCode(400).body("errors.field", hasItem("appId"));
        oem().contentType(ContentType.JSON).body(Map.of("appId", "noname1"))
                .post("/api/clients").then().statusCode(400).body("errors.field", hasItem("name"));
    }

    @Test
    void wrongSecretsAndDeletedClientsGetNoToken() {
        var created = oem().contentType(ContentType.JSON).body(Map.of("name", "Short-lived"))
                .post("/api/clients").then().statusCode(201).extract();
        String clientId = created.path("clientId");
        String secret = created.path("clientSecret");

        given().auth().preemptive().basic(clientId, "wrong").formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(401).header("WWW-Authenticate", "Basic realm=\"everycloud\"")
                .body("error", equalTo("invalid_client"));
        given().formParam("grant_type", "client_credentials").post("/oauth/token").then().statusCode(401)
                .body("error", equalTo("invalid_client"));

        oem().delete("/api/clients/" + clientId).then().statusCode(204);
        oem().get("/api/clients/" + clientId).then().statusCode(404);
        given().auth().preemptive().basic(clientId, secret).formParam("grant_type", "client_credentials")
                .post("/oauth/token").then().statusCode(401).body("error", equalTo("invalid_client"));
    }
}
