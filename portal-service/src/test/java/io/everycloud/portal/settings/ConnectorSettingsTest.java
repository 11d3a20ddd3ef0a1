package io.everycloud.portal.settings;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.events.PortalEvents;
import io.everycloud.events.Topics;
import io.everycloud.testkit.EventProbe;
import io.everycloud.testkit.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ConnectorSettingsTest {

    @Test
    void settingsRoundTripAndAreAnnounced() {
        String business = "b" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> settings = Map.of("domain", "Portal.Example.com",
                "managedApps", List.of("i18ocqqozws800000", "ext_42"),
                "publication", Map.of("mode", "private", "whitelist", List.of(business)));
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(settings)
                .when().put("/api/settings").then().statusCode(200)
                .body("domain", equalTo("portal.example.com"));
        given().auth().oauth2(Tokens.oem()).when().get("/api/settings").then().statusCode(200)
                .body("domain", equalTo("portal.example.com"))
                .body("managedApps", contains("i18ocqqozws800000", "ext_42"))
                .body("publication.mode", equalTo("private"))
                .body("publication.whitelist", contains(business));

        var event = EventProbe.awaitOne(Topics.PORTAL_SETTINGS, e -> e.is(PortalEvents.SettingsChanged.class)
                && e.dataAs(PortalEvents.SettingsChanged.class).businessWhitelist().contains(business), Duration.ofSeconds(20));
        PortalEvents.SettingsChanged changed = event.dataAs(PortalEvents.SettingsChanged.class);
        assertThat(changed.domain()).isEqualTo("portal.example.com");
        assertThat(changed.managedApps()).containsExactly("i18ocqqozws800000", "ext_42");
        assertThat(changed.publicationMode()).isEqualTo("private");
    }

    @Test
    void publishingPubliclyNeedsNoWhitelist() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("domain", "localhost:8080", "managedApps", List.of(),
                        "publication", Map.of("mode", "public", "whitelist", List.of())))
                .when().put("/api/settings").then().statusCode(200).body("publication.mode", equalTo("public"));
    }

    @Test
    void badSettingsAreRefusedNamingEachField() {
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("domain", "not a domain!", "managedApps", List.of("bad id"),
                        "publication", Map.of("mode", "secret", "whitelist", List.of("ok"))))
                .when().put("/api/settings").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("domain"))
                .body("errors.field", hasItem("managedApps[0]"))
                .body("errors.field", hasItem("publication.mode"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("domain", "portal.example.com", "managedApps", List.of("a", "a"),
                        "publication", Map.of("mode", "private", "whitelist", List.of())))
                .when().put("/api/settings").then().statusCode(400).body("errors[0].field", equalTo("managedApps[1]"));
        given().auth().oauth2(Tokens.oem()).contentType("application/json").body(Map.of("domain", "portal.example.com"))
                .when().put("/api/settings").then().statusCode(400)
                .body("errors.field", hasItem("managedApps")).body("errors.field", hasItem("publication"));
    }

    @Test
    void aRefusedChangeLeavesTheSettingsAsTheyWere() {
        String before = given().auth().oauth2(Tokens.oem()).when().get("/api/settings").then().statusCode(200)
                .extract().asString();
        given().auth().oauth2(Tokens.oem()).contentType("application/json")
                .body(Map.of("domain", "x..y", "managedApps", List.of(), "publication", Map.of("mode", "public", "whitelist", List.of())))
                .when().put("/api/settings").then().statusCode(400);
        given().auth().oauth2(Tokens.oem()).when().get("/api/settings").then().body(equalTo(before));
    }

    @Test
    void onlyOemOperatorsReadOrChangeSettings() {
        given().when().get("/api/settings").then().statusCode(401);
        given().auth().oauth2(Tokens.user(UUID.randomUUID())).when().get("/api/settings").then().statusCode(403);
        given().auth().oauth2(Tokens.app("ext_1")).contentType("application/json").body("{}")
                .when().put("/api/settings").then().statusCode(403);
    }
}
