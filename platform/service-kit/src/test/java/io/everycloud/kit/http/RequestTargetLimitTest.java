package io.everycloud.kit.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The request target (path and query) is limited to 8192 characters: exactly that much is served,
 * one more is a 414 problem+json naming the limit and the length, up to the HTTP decoder's own
 * limit (16384), far above Quarkus' default 4096 that answered a bare 414.
 */
@QuarkusTest
class RequestTargetLimitTest {

    private static final String PROBLEM = "application/problem+json";
    private static final int LIMIT = 8192;

    /** {@code /notes?pad=aaa...} of exactly {@code length} characters. */
    private static String target(int length) {
        String start = "/notes?pad=";
        return start + "a".repeat(length - start.length());
    }

    @Test
    void aTargetOfExactlyTheLimitIsServed() {
        given().urlEncodingEnabled(false).when().get(target(LIMIT))
                .then().statusCode(200).body("items", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void oneCharacterAboveTheLimitIsA414ProblemNamingTheLimitAndTheLength() {
        given().urlEncodingEnabled(false).when().get(target(LIMIT + 1))
                .then().statusCode(414).contentType(PROBLEM)
                .body("status", equalTo(414))
                .body("title", equalTo("URI Too Long"))
                .body("detail", containsString("has " + (LIMIT + 1) + " characters"))
                .body("detail", containsString("the limit is " + LIMIT));
    }

    @Test
    void aTargetTwiceTheOldDecoderLimitIsStillAProblemNotABare414() {
        // 10 KB, as the API sweep sends: above Quarkus' default 4096-byte request line
        given().urlEncodingEnabled(false).when().get(target(10 * 1024))
                .then().statusCode(414).contentType(PROBLEM)
                .body("detail", containsString("has " + 10 * 1024 + " characters"));
    }

    @Test
    void aLongPathNoRouteServesIsA414TooAndSoIsABodyRequest() {
        given().urlEncodingEnabled(false).when().get("/" + "p".repeat(LIMIT))
                .then().statusCode(414).contentType(PROBLEM);
        given().urlEncodingEnabled(false).contentType("application/json").body("{\"text\":\"a\",\"count\":1}")
                .when().post(target(LIMIT + 100))
                .then().statusCode(414).contentType(PROBLEM);
    }
}
