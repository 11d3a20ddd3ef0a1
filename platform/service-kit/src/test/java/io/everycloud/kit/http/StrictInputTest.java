package io.everycloud.kit.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Input a service must refuse with a 400 problem+json before it reaches a resource or the database. */
@QuarkusTest
class StrictInputTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void textAfterTheJsonValueIsMalformedJson() {
        given().contentType(ContentType.JSON).body("{\"text\":\"a\",\"count\":1}}")
                .when().post("/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("title", equalTo("Malformed JSON"));
    }

    @Test
    void aNulCharacterInAJsonStringNamesTheField() {
        given().contentType(ContentType.JSON).body("{\"text\":\"a\\u0000b\",\"count\":1}")
                .when().post("/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("text"))
                .body(not(containsString("Exception")));
    }

    @Test
    void aNulCharacterInTheQueryIsRefused() {
        given().urlEncodingEnabled(false).when().get("/notes?cursor=a%00b")
                .then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("NUL"));
    }

    @Test
    void aNulCharacterInThePathIsRefused() {
        given().urlEncodingEnabled(false).when().get("/notes/1%00")
                .then().statusCode(400).contentType(PROBLEM)
                .body("detail", containsString("NUL"));
    }

    @Test
    void aFormBodyStillWorks() {
        given().contentType(ContentType.URLENC).body("a=x%20y")
                .when().post("/form")
                .then().statusCode(200).body(equalTo("a=x y"));
    }

    @Test
    void aMalformedPercentEscapeInAFormBodyIsA400() {
        for (String body : new String[] {"a=%zz", "a=%", "a=%G0"}) {
            given().contentType(ContentType.URLENC).body(body)
                    .when().post("/form")
                    .then().statusCode(400).contentType(PROBLEM)
                    .body("detail", containsString("URL encoding"));
        }
    }
}
