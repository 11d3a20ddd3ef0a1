package io.everycloud.notification;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

/** The delivery log: oem only, filtered, paginated, bad parameters named. */
@QuarkusTest
class DeliveryLogTest {

    @Test
    void theLogIsPaginatedAndFilteredByRecipientTypeAndStatus() {
        UUID user = UUID.randomUUID();
        String email = EmailTriggersTest.newAddress();
        EventProbe.send(EmailTriggersTest.signup(user, email, "one"));
        EventProbe.send(EmailTriggersTest.reset(user, email, "two"));
        EventProbe.send(EmailTriggersTest.reset(user, email, "three"));
        Eventually.until("three sent", () -> given().auth().oauth2(Tokens.oem()).queryParam("to", email.toUpperCase())
                .queryParam("status", "sent").get("/api/notifications").then().extract().path("items.size()").equals(3));

        String cursor = given().auth().oauth2(Tokens.oem()).queryParam("to", email).queryParam("limit", "2")
                .get("/api/notifications").then().statusCode(200)
                .body("items.size()", is(2)).body("items[0].type", is("signup")).body("nextCursor", notNullValue())
                .extract().path("nextCursor");
        given().auth().oauth2(Tokens.oem()).queryParam("to", email).queryParam("limit", "2").queryParam("cursor", cursor)
                .get("/api/notifications").then().statusCode(200)
                .body("items.size()", is(1)).body("items[0].type", is("password-reset")).body("nextCursor", is((Object) null));
        given().auth().oauth2(Tokens.oem()).queryParam("to", email).queryParam("type", "password-reset")
                .get("/api/notifications").then().body("items.size()", is(2));

        String id = given().auth().oauth2(Tokens.oem()).queryParam("to", email).get("/api/notifications").then()
                .extract().path("items[0].id");
        given().auth().oauth2(Tokens.oem()).get("/api/notifications/" + id).then().statusCode(200)
                .body("html", org.hamcrest.Matchers.containsString("verify?token=one"));
        given().auth().oauth2(Tokens.oem()).get("/api/notifications/" + UUID.randomUUID()).then().statusCode(404);
        given().auth().oauth2(Tokens.oem()).get("/api/notifications/not-a-uuid").then().statusCode(404);
    }

    @Test
    void badParametersAreNamed() {
        given().auth().oauth2(Tokens.oem()).queryParam("status", "lost").get("/api/notifications").then().statusCode(400)
                .body("errors[0].field", is("status"));
        given().auth().oauth2(Tokens.oem()).queryParam("type", "fax").get("/api/notifications").then().statusCode(400)
                .body("errors[0].field", is("type"));
        given().auth().oauth2(Tokens.oem()).queryParam("limit", "501").get("/api/notifications").then().statusCode(400)
                .body("errors[0].field", is("limit"));
        given().auth().oauth2(Tokens.oem()).queryParam("cursor", "%%%").get("/api/notifications").then().statusCode(400)
                .body("errors[0].field", is("cursor"));
    }

    @Test
    void theLogIsForTheOemOnly() {
        given().get("/api/notifications").then().statusCode(401);
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).get("/api/notifications").then().statusCode(403);
        given().auth().oauth2(Tokens.app("ext_x")).get("/api/notifications").then().statusCode(403);
    }
}
