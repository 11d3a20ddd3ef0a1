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
    void aNulCharacterInAJsonTreeNamesWhereItIs() {
        given().contentType(ContentType.JSON).body("{\"value\":\"nul\\u0000byte\"}")
                .when().post("/trees")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("value"))
                .body(not(containsString("Exception")));
        given().contentType(ContentType.JSON).body("{\"message\":{\"version\":\"1\\u0000\",\"name\":\"x\"}}")
                .when().post("/trees/whole")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("message.version"));
        given().contentType(ContentType.JSON).body("{\"value\":{\"a\":[\"ok\",\"x\\u0000\"]}}")
                .when().post("/trees")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("value.a[1]"));
        given().contentType(ContentType.JSON).body("{\"list\":[1,\"\\u0000\"]}")
                .when().post("/trees")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("list[1]"));
        given().contentType(ContentType.JSON).body("{\"value\":{\"a\\u0000b\":1}}")
                .when().post("/trees")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("value.a\\u0000b"));
    }

    @Test
    void jsonTreesWithoutNulAreReadAsBeforeWithNullAndAbsentApart() {
        given().contentType(ContentType.JSON).body("{\"value\":{\"a\":[1,\"Grüße\",null,true]}}")
                .when().post("/trees")
                .then().statusCode(200).body(equalTo("{\"a\":[1,\"Grüße\",null,true]}"));
        given().contentType(ContentType.JSON).body("{\"value\":null}").when().post("/trees")
                .then().statusCode(200).body(equalTo("null"));
        given().contentType(ContentType.JSON).body("{}").when().post("/trees")
                .then().statusCode(200).body(equalTo("absent"));
        given().contentType(ContentType.JSON).body("[\"x\",{\"y\":2}]").when().post("/trees/whole")
                .then().statusCode(200).body(equalTo("[\"x\",{\"y\":2}]"));
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
