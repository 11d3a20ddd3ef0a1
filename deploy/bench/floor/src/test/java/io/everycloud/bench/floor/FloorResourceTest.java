package io.everycloud.bench.floor;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.testkit.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** What the benchmark scripts rely on: readiness (startup.sh), and a route that checks the token as the services do (claims.sh). */
@QuarkusTest
@QuarkusTestResource(IssuerResource.class)
class FloorResourceTest {

    @Test
    void readinessAnswersAsTheServicesDo() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theAuthenticatedFloorChecksTheUsersToken() {
        UUID user = UUID.randomUUID();
        given().header("Authorization", Tokens.bearer(Tokens.user(user))).contentType(ContentType.JSON).body("{\"code\":\"ABCD-EFGH\"}")
                .when().post("/floor/user")
                .then().statusCode(200).body("user", equalTo(user.toString())).body("devices", empty());
    }

    @Test
    void theAuthenticatedFloorRefusesWhatTheServicesRefuse() {
        String body = "{\"code\":\"ABCD-EFGH\"}";
        given().contentType(ContentType.JSON).body(body).when().post("/floor/user").then().statusCode(401);
        given().header("Authorization", Tokens.bearer(Tokens.expired("user"))).contentType(ContentType.JSON).body(body)
                .when().post("/floor/user").then().statusCode(401);
        given().header("Authorization", Tokens.bearer(Tokens.foreign("user"))).contentType(ContentType.JSON).body(body)
                .when().post("/floor/user").then().statusCode(401);
        given().header("Authorization", Tokens.bearer(Tokens.oem())).contentType(ContentType.JSON).body(body)
                .when().post("/floor/user").then().statusCode(403);
    }
}
