package io.everycloud.kit.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ProblemShapesTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void invalidFieldsAreEachNamed() {
        given().contentType(ContentType.JSON).body("{\"text\":\"\",\"count\":0}")
                .when().post("/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("title", equalTo("Invalid request"))
                .body("errors.field", hasItems("text", "count"));
    }

    @Test
    void malformedJsonIsA400WithItsPosition() {
        given().contentType(ContentType.JSON).body("{\"text\": \"a\",")
                .when().post("/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("title", equalTo("Malformed JSON"))
                .body("detail", containsString("line"))
                .body(not(containsString("com.fasterxml")));
    }

    @Test
    void aWronglyTypedFieldIsNamed() {
        given().contentType(ContentType.JSON).body("{\"text\":\"a\",\"count\":\"many\"}")
                .when().post("/notes")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("count"))
                .body(not(containsString("Exception")));
    }

    @Test
    void anUnknownObjectIs404() {
        given().when().get("/notes/987654")
                .then().statusCode(404).contentType(PROBLEM)
                .body("status", equalTo(404)).body("detail", containsString("987654"));
    }

    @Test
    void aWrongMethodIs405() {
        given().contentType(ContentType.JSON).body("{}").when().put("/notes")
                .then().statusCode(405).contentType(PROBLEM).body("status", equalTo(405));
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsRead() {
        String big = "x".repeat(2000);
        given().contentType(ContentType.JSON).body("{\"text\":\"" + big + "\",\"count\":1}")
                .when().post("/notes")
                .then().statusCode(413).contentType(PROBLEM)
                .body("detail", containsString("1024"));
    }

    @Test
    void anUnsupportedMediaTypeIs415() {
        given().contentType(ContentType.TEXT).body("text=a").when().post("/notes")
                .then().statusCode(415).contentType(PROBLEM).body("status", equalTo(415));
    }

    @Test
    void missingOrBadTokensAre401AndWrongRolesAre403() {
        given().when().get("/notes/operators-only").then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2("garbage").when().get("/notes/operators-only").then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2(Tokens.expired("oem")).when().get("/notes/operators-only").then().statusCode(401);
        given().auth().oauth2(Tokens.foreign("oem")).when().get("/notes/operators-only").then().statusCode(401);
        given().auth().oauth2(Tokens.wrongAudience("oem")).when().get("/notes/operators-only").then().statusCode(401);
        given().auth().oauth2(Tokens.user(java.util.UUID.randomUUID())).when().get("/notes/operators-only")
                .then().statusCode(403).contentType(PROBLEM);
        given().auth().oauth2(Tokens.oem()).when().get("/notes/operators-only").then().statusCode(200);
    }

    @Test
    void listsArePagedWithCursorsAndLimitsAreEnforced() {
        for (int i = 0; i < 3; i++) {
            given().contentType(ContentType.JSON).body("{\"text\":\"page-" + i + "\",\"count\":1}").post("/notes");
        }
        String cursor = given().when().get("/notes?limit=2").then().statusCode(200)
                .body("items.size()", equalTo(2)).body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        given().when().get("/notes?limit=500&cursor=" + cursor).then().statusCode(200).body("nextCursor", nullValue());
        given().when().get("/notes?limit=501").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("limit"));
        given().when().get("/notes?limit=abc").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        given().when().get("/notes?cursor=!!!").then().statusCode(400).body("errors[0].field", equalTo("cursor"));
    }
}
