package io.everycloud.kit.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The request target (path and query) is limited to 8192 characters: exactly that much is served,
 * one more is a 414 problem+json naming the limit and the length, up to the HTTP decoder's own
 * limit (16384), far above Quarkus' default 4096 that answered a bare 414. A NUL ({@code %00}) in
 * the target is a 400 problem+json before any route too (StrictInputTest checks it on a resource).
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

    @Test
    void aNulInTheTargetIsRefusedBeforeAnyRouteEvenOneThatIsNotAResource() {
        // the health route is Vert.x', not a REST resource: the check is not a JAX-RS filter
        given().urlEncodingEnabled(false).when().get("/q/health/ready?x=%00")
                .then().statusCode(400).contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("detail", containsString("NUL character (%00)"));
        // without the NUL the same route answers as health does (200 or 503: other tests of this
        // JVM stop channels), not with the check's 400
        given().urlEncodingEnabled(false).when().get("/q/health/ready?x=1")
                .then().statusCode(anyOf(equalTo(200), equalTo(503)));
    }

    @Test
    void hasNulFindsTheCharacterAndItsEscapeOnly() {
        assertTrue(RequestTargetLimit.hasNul("/a%00b"));
        assertTrue(RequestTargetLimit.hasNul("/a?b=\0"));
        assertFalse(RequestTargetLimit.hasNul("/a%0Ab?c=%30x"));
        assertFalse(RequestTargetLimit.hasNul(null));
    }
}
