package io.everycloud.registry.deviceapi;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.everycloud.registry.Fleet;
import io.quarkus.test.junit.QuarkusTest;

/** The benchmark's POST floor does not exist outside a benchmark. */
@QuarkusTest
class PostFloorTest {

    @Test
    void thePostFloorIsNotFoundUnlessTheBenchmarkSwitchesItOn() {
        given().contentType(Fleet.FORM).header(DeviceAuth.HEADER, "any").body("data_in=%7B%22t%22%3A1%7D")
                .when().post("/bench/post-floor")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void thePostFloorIsNotInTheApiDocument() {
        String document = given().accept("application/json").when().get("/q/openapi").then().statusCode(200).extract().asString();
        org.assertj.core.api.Assertions.assertThat(document).contains("/onep:v1/stack/alias").doesNotContain("/bench/post-floor");
    }
}
