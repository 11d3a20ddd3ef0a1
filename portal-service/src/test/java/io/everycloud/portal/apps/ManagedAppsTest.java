package io.everycloud.portal.apps;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.events.PortalEvents;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ManagedAppsTest {

    @Test
    void appMetadataRoundTripsIsListedAndAnnounced() {
        String appId = "ext_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("name", "Home", "description", "Your home", "url", "https://home.example.com",
                        "logoUrl", "https://home.example.com/logo.png"))
                .when().put("/api/apps/" + appId).then().statusCode(200).body("appId", equalTo(appId));
        given().auth().oauth2(Tokens.oem()).when().get("/api/apps/" + appId).then().statusCode(200)
                .body("name", equalTo("Home")).body("url", equalTo("https://home.example.com"))
                .body("logoUrl", equalTo("https://home.example.com/logo.png")).body("updatedAt", notNullValue());
        given().auth().oauth2(Tokens.oem()).when().get("/api/apps?limit=500").then().statusCode(200)
                .body("items.appId", hasItem(appId));
        EventProbe.awaitOne(Topics.PORTAL_SETTINGS, e -> e.is(PortalEvents.AppChanged.class)
                && appId.equals(e.dataAs(PortalEvents.AppChanged.class).appId())
                && !e.dataAs(PortalEvents.AppChanged.class).deleted(), Duration.ofSeconds(20));
    }

    @Test
    void deletingAppMetadataIsAnnouncedAndThen404() {
        String appId = "ext_del" + UUID.randomUUID().toString().substring(0, 6);
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("name", "Gone soon", "url", "https://gone.example.com"))
                .when().put("/api/apps/" + appId).then().statusCode(200);
        given().auth().oauth2(Tokens.oem()).when().delete("/api/apps/" + appId).then().statusCode(204);
        given().auth().oauth2(Tokens.oem()).when().get("/api/apps/" + appId).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.oem()).when().delete("/api/apps/" + appId).then().statusCode(404);
        EventProbe.awaitOne(Topics.PORTAL_SETTINGS, e -> e.is(PortalEvents.AppChanged.class)
                && appId.equals(e.dataAs(PortalEvents.AppChanged.class).appId())
                && e.dataAs(PortalEvents.AppChanged.class).deleted(), Duration.ofSeconds(20));
    }

    @Test
    void badAppMetadataIsRefusedNamingEachField() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("name", "", "url", "ftp://x", "logoUrl", "javascript:alert(1)"))
                .when().put("/api/apps/ext_1").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("name")).body("errors.field", hasItem("url"))
                .body("errors.field", hasItem("logoUrl"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("name", "x", "url", "https://x.example.com"))
                .when().put("/api/apps/bad id!").then().statusCode(400).body("errors[0].field", equalTo("appId"));
        given().auth().oauth2(Tokens.oem()).when().get("/api/apps?limit=501").then().statusCode(400);
    }

    @Test
    void onlyOemOperatorsManageAppMetadata() {
        given().when().get("/api/apps").then().statusCode(401);
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).when().get("/api/apps/ext_1").then().statusCode(403);
        given().auth().oauth2(Tokens.app("ext_1")).contentType("application/json")
                .body(Map.of("name", "Mine", "url", "https://mine.example.com"))
                .when().put("/api/apps/ext_1").then().statusCode(403);
    }
}
