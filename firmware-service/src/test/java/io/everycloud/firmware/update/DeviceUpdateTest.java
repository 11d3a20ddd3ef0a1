package io.everycloud.firmware.update;

import static io.everycloud.firmware.FirmwareFixtures.bytes;
import static io.everycloud.firmware.FirmwareFixtures.newVersion;
import static io.everycloud.firmware.FirmwareFixtures.oem;
import static io.everycloud.firmware.FirmwareFixtures.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.Topics;
import io.everycloud.firmware.FirmwareFixtures;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeviceUpdateTest {

    private String version;
    private String packageId;

    @BeforeEach
    void aPackage() {
        FirmwareFixtures.setSwitch("enabled");
        version = newVersion();
        packageId = FirmwareFixtures.upload(version, bytes(1000, 9));
    }

    @Test
    void anOwnerSeesTheirDeviceWithTheVersionsToChooseFrom() {
        UUID owner = UUID.randomUUID();
        String identity = FirmwareFixtures.device("own", Map.of(), owner);
        given().header("Authorization", user(owner)).get("/api/firmware/devices/" + identity).then().statusCode(200)
                .body("identity", equalTo(identity))
                .body("installedVersion", nullValue())
                .body("state", nullValue())
                .body("available", hasItem(version));
    }

    @Test
    void anOwnerUpdatesTheirOwnDevice() {
        UUID owner = UUID.randomUUID();
        String identity = FirmwareFixtures.device("own", Map.of(), owner);
        String updateId = given().header("Authorization", user(owner)).contentType("application/json")
                .body(Map.of("version", version)).post("/api/firmware/devices/" + identity + "/update").then()
                .statusCode(202).body("state", equalTo("REQUESTED")).body("device", equalTo(identity))
                .extract().path("id");

        var command = EventProbe.awaitOne(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(identity), Duration.ofSeconds(10))
                .dataAs(FirmwareEvents.ConfigOtauCommand.class);
        assertThat(command.updateId()).hasToString(updateId);
        assertThat(command.configOtau().get("version").asText()).isEqualTo(version);
        assertThat(command.configOtau().get("type").asText()).isEqualTo("URL_LIST");
        var requested = EventProbe.awaitOne(Topics.FIRMWARE_UPDATE, e -> e.subject().equals(identity), Duration.ofSeconds(10))
                .dataAs(FirmwareEvents.UpdateStateChanged.class);
        assertThat(requested.state()).isEqualTo("REQUESTED");
        assertThat(requested.ownerId()).isEqualTo(owner);

        given().header("Authorization", user(owner)).get("/api/firmware/devices/" + identity).then().statusCode(200)
                .body("state", equalTo("REQUESTED")).body("currentUpdate.version", equalTo(version))
                .body("history[0].state", equalTo("REQUESTED"));
    }

    @Test
    void anotherUsersDeviceIsNotFound() {
        UUID owner = UUID.randomUUID();
        String identity = FirmwareFixtures.device("own", Map.of(), owner);
        String stranger = user(UUID.randomUUID());
        given().header("Authorization", stranger).get("/api/firmware/devices/" + identity).then().statusCode(404);
        given().header("Authorization", stranger).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(404);
        given().header("Authorization", stranger).get("/api/firmware/devices/no-such-device").then().statusCode(404);
        given().header("Authorization", oem()).get("/api/firmware/devices/no-such-device").then().statusCode(404);
        given().header("Authorization", io.everycloud.testkit.Tokens.bearer(io.everycloud.testkit.Tokens.app("ext_x")))
                .get("/api/firmware/devices/" + identity).then().statusCode(403);
        assertThat(EventProbe.events(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(identity))).isEmpty();
    }

    @Test
    void anUnknownVersionIsRefusedNamingTheField() {
        UUID owner = UUID.randomUUID();
        String identity = FirmwareFixtures.device("own", Map.of(), owner);
        given().header("Authorization", user(owner)).contentType("application/json").body(Map.of("version", "9.9.9-none"))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(400)
                .body("errors[0].field", equalTo("version"));
    }

    @Test
    void theOemPushesToABatchAndLearnsWhichDevicesWereRejected() {
        String a = FirmwareFixtures.device("batch", Map.of(), UUID.randomUUID());
        String b = FirmwareFixtures.device("batch", Map.of());
        String message = "{\"version\":\"" + version + "\",\"name\":\"x\",\"description\":null,\"type\":\"URL_LIST\",\"payload\":[]}";
        given().header("Authorization", oem()).contentType("application/json")
                .body(Map.of("message", message, "devices", List.of(a, b, "never-provisioned", "bad identity!")))
                .post("/api/firmware/update").then().statusCode(202)
                .body("accepted", containsInAnyOrder(a, b))
                .body("rejected.device", containsInAnyOrder("never-provisioned", "bad identity!"))
                .body("rejected.find { it.device == 'never-provisioned' }.reason", equalTo("unknown device"));
        EventProbe.awaitOne(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(a), Duration.ofSeconds(10));
        EventProbe.awaitOne(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(b), Duration.ofSeconds(10));
    }

    @Test
    void aUserPushesOnlyToTheirOwnDevices() {
        UUID owner = UUID.randomUUID();
        String mine = FirmwareFixtures.device("mine", Map.of(), owner);
        String theirs = FirmwareFixtures.device("theirs", Map.of(), UUID.randomUUID());
        given().header("Authorization", user(owner)).contentType("application/json")
                .body(Map.of("message", Map.of("version", version, "type", "URL_LIST", "payload", List.of()),
                        "devices", List.of(mine, theirs, "not-a-device")))
                .post("/api/firmware/update").then().statusCode(202)
                .body("accepted", containsInAnyOrder(mine))
                .body("rejected.device", containsInAnyOrder(theirs, "not-a-device"))
                // the same words for a stranger's device and a missing one: nothing is revealed
                .body("rejected.reason", containsInAnyOrder("unknown device or not yours", "unknown device or not yours"));
        assertThat(EventProbe.events(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(theirs))).isEmpty();
    }

    @Test
    void aBatchNeedsAPublishedVersionAndDevices() {
        given().header("Authorization", oem()).contentType("application/json")
                .body(Map.of("message", Map.of("version", "0.0.0-nothing"), "devices", List.of("x")))
                .post("/api/firmware/update").then().statusCode(400).body("errors[0].field", equalTo("message.version"));
        given().header("Authorization", oem()).contentType("application/json")
                .body(Map.of("message", Map.of("version", version), "devices", List.of()))
                .post("/api/firmware/update").then().statusCode(400).body("errors[0].field", equalTo("devices"));
        given().header("Authorization", oem()).contentType("application/json")
                .body(Map.of("devices", List.of("x")))
                .post("/api/firmware/update").then().statusCode(400).body("errors[0].field", equalTo("message"));
    }

    @Test
    void updatesAreRefusedWhileFirmwareUpdatesAreDisabled() {
        UUID owner = UUID.randomUUID();
        String identity = FirmwareFixtures.device("off", Map.of(), owner);
        FirmwareFixtures.setSwitch("disabled");
        try {
            given().header("Authorization", user(owner)).contentType("application/json").body(Map.of("version", version))
                    .post("/api/firmware/devices/" + identity + "/update").then().statusCode(409)
                    .body("detail", containsString("EnableFirmwareUpdate"));
            given().header("Authorization", oem()).contentType("application/json")
                    .body(Map.of("message", Map.of("version", version), "devices", List.of(identity)))
                    .post("/api/firmware/update").then().statusCode(409);
        } finally {
            FirmwareFixtures.setSwitch("enabled");
        }
    }

    @Test
    void aPackageInUseByARunningUpdateCannotBeDeleted() {
        String identity = FirmwareFixtures.device("inuse", Map.of());
        given().header("Authorization", oem()).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(202);
        given().header("Authorization", oem()).delete("/api/firmware/packages/" + packageId).then().statusCode(409)
                .body("detail", containsString("running update"));
    }

    @Test
    void aDeviceThatChangedHandsIsHiddenFromItsFormerOwner() {
        UUID former = UUID.randomUUID();
        UUID next = UUID.randomUUID();
        String identity = FirmwareFixtures.device("hands", Map.of(), former);
        EventProbe.send(io.everycloud.events.Envelope.of(identity, new io.everycloud.events.RegistryEvents.DeviceTagsChanged(
                identity, Map.of("users", List.of(next.toString())))));
        FirmwareFixtures.await("the new owner sees the device", () ->
                given().header("Authorization", user(next)).get("/api/firmware/devices/" + identity).statusCode() == 200);
        given().header("Authorization", user(former)).get("/api/firmware/devices/" + identity).then().statusCode(404);
        given().header("Authorization", user(former)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(404);
    }

    @Test
    void deletingADeviceCancelsItsRunningUpdate() {
        String identity = FirmwareFixtures.device("gone", Map.of());
        given().header("Authorization", oem()).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(202);
        EventProbe.send(io.everycloud.events.Envelope.of(identity,
                new io.everycloud.events.RegistryEvents.DeviceDeleted(identity, java.time.Instant.now())));
        var canceled = EventProbe.awaitOne(Topics.FIRMWARE_UPDATE, e -> e.subject().equals(identity)
                && "CANCELED".equals(e.dataAs(FirmwareEvents.UpdateStateChanged.class).state()), Duration.ofSeconds(15))
                .dataAs(FirmwareEvents.UpdateStateChanged.class);
        assertThat(canceled.finished()).isTrue();
        given().header("Authorization", oem()).get("/api/firmware/devices/" + identity).then().statusCode(404);
        // Nothing uses the package any more.
        given().header("Authorization", oem()).delete("/api/firmware/packages/" + packageId).then().statusCode(204);
    }

    @Test
    void aNewRequestReplacesTheRunningUpdate() {
        String identity = FirmwareFixtures.device("again", Map.of());
        String newer = newVersion();
        FirmwareFixtures.upload(newer, bytes(700, 10));
        given().header("Authorization", oem()).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(202);
        given().header("Authorization", oem()).contentType("application/json").body(Map.of("version", newer))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(202);
        given().header("Authorization", oem()).get("/api/firmware/devices/" + identity).then()
                .body("currentUpdate.version", equalTo(newer))
                .body("history.state", org.hamcrest.Matchers.contains("REQUESTED", "CANCELED", "REQUESTED"));
    }
}
