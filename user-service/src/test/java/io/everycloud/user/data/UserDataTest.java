package io.everycloud.user.data;

import static io.everycloud.user.Api.oem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.everycloud.events.Envelope;
import io.everycloud.events.Topics;
import io.everycloud.events.UserEvents;
import io.everycloud.testkit.EventProbe;
import io.everycloud.user.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class UserDataTest {

    @Test
    void appOptionsAreStoredAndAnnouncedForClaimService() {
        UUID id = Api.activeUser(Api.email("data"));
        oem().contentType(ContentType.JSON).body("{\"default\": true}")
                .put("/api/users/" + id + "/data/app_i18ocqqozws800000").then().statusCode(200)
                .body("default", equalTo(true));
        oem().contentType(ContentType.JSON).body("{\"nickname\": \"kitchen\", \"tags\": [1, 2]}")
                .put("/api/users/" + id + "/data/preferences").then().statusCode(200);
        oem().get("/api/users/" + id + "/data").then().statusCode(200)
                .body("app_i18ocqqozws800000.default", equalTo(true))
                .body("preferences.nickname", equalTo("kitchen"));

        Envelope changed = EventProbe.awaitOne(Topics.USER_ACCOUNT, e -> e.is(UserEvents.UserDataChanged.class)
                && e.subject().equals(id.toString()) && e.data().path("key").asText().equals("app_i18ocqqozws800000"),
                Duration.ofSeconds(15));
        assertThat(changed.dataAs(UserEvents.UserDataChanged.class).value().path("default").asBoolean()).isTrue();

        oem().delete("/api/users/" + id + "/data/app_i18ocqqozws800000").then().statusCode(204);
        oem().delete("/api/users/" + id + "/data/app_i18ocqqozws800000").then().statusCode(404);
        oem().get("/api/users/" + id + "/data").then().body("size()", equalTo(1));
        EventProbe.awaitOne(Topics.USER_ACCOUNT, e -> e.is(UserEvents.UserDataChanged.class)
                && e.subject().equals(id.toString()) && e.data().path("value").isNull(), Duration.ofSeconds(15));
    }

    @Test
    void appOptionsMustBeADefaultFlag() {
        UUID id = Api.activeUser(Api.email("baddata"));
        String url = "/api/users/" + id + "/data/app_abc123";
        oem().contentType(ContentType.JSON).body("{\"default\": \"yes\"}").put(url).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("value.default"));
        oem().contentType(ContentType.JSON).body("{}").put(url).then().statusCode(400)
                .body("errors.field", hasItem("value.default"));
        oem().contentType(ContentType.JSON).body("{\"default\": true, \"colour\": \"red\"}").put(url).then()
                .statusCode(400).body("errors.field", hasItem("value.colour"));
        oem().contentType(ContentType.JSON).body("true").put(url).then().statusCode(400)
                .body("errors.field", hasItem("value"));
        oem().contentType(ContentType.JSON).body("{\"default\": true}").put("/api/users/" + id + "/data/app_").then()
                .statusCode(400).body("errors.field", hasItem("key"));
        oem().contentType(ContentType.JSON).body("{\"default\": tru").put(url).then().statusCode(400)
                .body("detail", containsString("line 1"));
        oem().contentType(ContentType.JSON).body("null").put("/api/users/" + id + "/data/free").then()
                .statusCode(400).body("errors.field", hasItem("value"));
        // nothing half written
        oem().get("/api/users/" + id + "/data").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void valuesHaveASizeLimit() {
        UUID id = Api.activeUser(Api.email("bigdata"));
        String big = "\"" + "x".repeat(16_384) + "\"";
        oem().contentType(ContentType.JSON).body(big).put("/api/users/" + id + "/data/blob").then().statusCode(400)
                .body("errors.field", hasItem("value"));
    }

    @Test
    void dataOfAnUnknownUserIsNotFound() {
        oem().get("/api/users/" + UUID.randomUUID() + "/data").then().statusCode(404);
        oem().contentType(ContentType.JSON).body(Map.of("default", true))
                .put("/api/users/" + UUID.randomUUID() + "/data/app_x").then().statusCode(404);
    }
}
