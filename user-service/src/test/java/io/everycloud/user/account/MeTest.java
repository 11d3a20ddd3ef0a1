package io.everycloud.user.account;

import static io.everycloud.user.Api.json;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.testkit.Tokens;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MeTest {

    @Test
    void usersSeeAndRenameThemselvesButCannotChangeTheirAddress() {
        String email = Api.email("me");
        UUID id = Api.activeUser(email);
        String bearer = Tokens.bearer(Tokens.user(id, email));
        given().header("Authorization", bearer).get("/api/me").then().statusCode(200)
                .body("id", equalTo(id.toString())).body("email", equalTo(email)).body("status", equalTo("active"));
        json().header("Authorization", bearer).body(Map.of("name", "Ada Lovelace")).patch("/api/me").then()
                .statusCode(200).body("name", equalTo("Ada Lovelace"));
        json().header("Authorization", bearer).body(Map.of("email", "other@example.com")).patch("/api/me").then()
                .statusCode(400).body("errors.field", hasItem("email"));
        json().header("Authorization", bearer).body(Map.of("name", 42)).patch("/api/me").then()
                .statusCode(400).body("errors.field", hasItem("name"));
        given().header("Authorization", bearer).get("/api/me").then().body("name", equalTo("Ada Lovelace"));
    }

    @Test
    void meNeedsAToken() {
        given().get("/api/me").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", Tokens.bearer(Tokens.expired("user"))).get("/api/me").then().statusCode(401);
    }

    @Test
    void aTokenOfAnAccountThatNoLongerExistsFindsNothing() {
        given().header("Authorization", Tokens.bearer(Tokens.user(UUID.randomUUID()))).get("/api/me").then()
                .statusCode(404);
    }
}
