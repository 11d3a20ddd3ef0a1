package io.everycloud.testkit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

/**
 * What every service answers, whatever it does: extend it in a {@code @QuarkusTest} of the
 * service ({@code class RegistryBasicsTest extends ServiceBasicsContract}).
 */
public abstract class ServiceBasicsContract {

    @Test
    public void isLiveAndReadyWithItsDatabaseAndKafka() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("kafka"))
                .body("checks.name", hasItem(containsString("Database")));
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    public void exposesPrometheusMetricsIncludingTheOutbox() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("everycloud_outbox_pending"))
                .body(containsString("everycloud_outbox_oldest_pending_age_seconds"));
    }

    @Test
    public void publishesItsOpenApiDocument() {
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("openapi", not(equalTo(null)));
    }

    @Test
    public void unknownPathsAreProblemJson404() {
        given().when().get("/no/such/path").then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("title", equalTo("Not Found"));
    }
}
