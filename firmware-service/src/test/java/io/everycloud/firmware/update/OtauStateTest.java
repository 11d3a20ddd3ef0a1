package io.everycloud.firmware.update;

import static io.everycloud.firmware.FirmwareFixtures.bytes;
import static io.everycloud.firmware.FirmwareFixtures.deviceWrites;
import static io.everycloud.firmware.FirmwareFixtures.newVersion;
import static io.everycloud.firmware.FirmwareFixtures.oem;
import static io.everycloud.firmware.FirmwareFixtures.otau;
import static io.everycloud.firmware.FirmwareFixtures.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.everycloud.events.Envelope;
import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.Topics;
import io.everycloud.firmware.FirmwareFixtures;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

/** The OTA state machine fed through the real broker, as the registry would feed it. */
@QuarkusTest
class OtauStateTest {

    @Inject
    AgroalDataSource dataSource;

    private String version;
    private UUID owner;
    private String identity;

    @BeforeEach
    void aRequestedUpdate() {
        FirmwareFixtures.setSwitch("enabled");
        version = newVersion();
        FirmwareFixtures.upload(version, bytes(500, 11));
        owner = UUID.randomUUID();
        identity = FirmwareFixtures.device("ota", Map.of(), owner);
        given().header("Authorization", user(owner)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + identity + "/update").then().statusCode(202);
    }

    private List<FirmwareEvents.UpdateStateChanged> states() {
        return EventProbe.events(Topics.FIRMWARE_UPDATE, e -> e.subject().equals(identity)).stream()
                .map(e -> e.dataAs(FirmwareEvents.UpdateStateChanged.class)).toList();
    }

    private FirmwareEvents.UpdateStateChanged awaitState(String state) {
        return EventProbe.awaitOne(Topics.FIRMWARE_UPDATE, e -> e.subject().equals(identity)
                && state.equals(e.dataAs(FirmwareEvents.UpdateStateChanged.class).state()), Duration.ofSeconds(15))
                .dataAs(FirmwareEvents.UpdateStateChanged.class);
    }

    /** Sends a marker write after the reports and waits for it: the reports before it were all applied. */
    private void drain() {
        String marker = "marker-" + UUID.randomUUID();
        deviceWrites(identity, "fw_version", marker);
        FirmwareFixtures.await("reports applied", () -> marker.equals(given().header("Authorization", oem())
                .get("/api/firmware/devices/" + identity).then().extract().path("installedVersion")));
    }

    @Test
    void otauReportsMoveTheUpdateToInstalled() {
        deviceWrites(identity, "otau_in", otau(version, "INIT", "starting"));
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD", "downloading"));
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD_STEP", "50%"));
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD_SUCCESS", "downloaded"));
        deviceWrites(identity, "otau_in", otau(version, "INSTALL", "installing"));
        var done = awaitState("INSTALL");
        assertThat(done.finished()).isFalse();
        deviceWrites(identity, "otau_in", otau(version, "INSTALL_SUCCESS", "installed"));
        var success = awaitState("INSTALL_SUCCESS");
        assertThat(success.finished()).isTrue();
        assertThat(success.ownerId()).isEqualTo(owner);
        assertThat(success.version()).isEqualTo(version);

        assertThat(states()).extracting(FirmwareEvents.UpdateStateChanged::state).containsExactly(
                "REQUESTED", "INIT", "DOWNLOAD", "DOWNLOAD_STEP", "DOWNLOAD_SUCCESS", "INSTALL", "INSTALL_SUCCESS");
        given().header("Authorization", user(owner)).get("/api/firmware/devices/" + identity).then().statusCode(200)
                .body("installedVersion", equalTo(version)).body("state", equalTo("INSTALL_SUCCESS"))
                .body("history[0].state", equalTo("INSTALL_SUCCESS"));
    }

    @Test
    void duplicateAndOutOfOrderReportsChangeNothing() {
        deviceWrites(identity, "otau_in", otau(version, "INIT", "starting"));
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD_SUCCESS", "downloaded"));
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD_SUCCESS", "downloaded"));
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD", "late"));
        deviceWrites(identity, "otau_in", otau(version, "INIT", "late"));
        deviceWrites(identity, "otau_in", otau("0.0.1-other", "INSTALL_ERROR", "about another version"));
        deviceWrites(identity, "otau_in", "not json");
        deviceWrites(identity, "otau_in", "{\"version\":\"" + version + "\",\"status\":\"DANCING\"}");
        awaitState("DOWNLOAD_SUCCESS");
        drain();
        assertThat(states()).extracting(FirmwareEvents.UpdateStateChanged::state)
                .containsExactly("REQUESTED", "INIT", "DOWNLOAD_SUCCESS");
        given().header("Authorization", oem()).get("/api/firmware/devices/" + identity).then()
                .body("state", equalTo("DOWNLOAD_SUCCESS"));

        deviceWrites(identity, "otau_in", otau(version, "INSTALL_ERROR", "flash failed"));
        var failed = awaitState("INSTALL_ERROR");
        assertThat(failed.finished()).isTrue();
        assertThat(failed.message()).isEqualTo("flash failed");
        // A report after the end is ignored.
        deviceWrites(identity, "otau_in", otau(version, "INSTALL_SUCCESS", "too late"));
        drain();
        assertThat(states()).extracting(FirmwareEvents.UpdateStateChanged::state)
                .containsExactly("REQUESTED", "INIT", "DOWNLOAD_SUCCESS", "INSTALL_ERROR");
    }

    @Test
    void aRedeliveredEventIsAppliedOnce() {
        Envelope report = Envelope.of(identity, new io.everycloud.events.RegistryEvents.ResourceWritten(identity, "otau_in",
                otau(version, "INIT", "once"), "device", java.time.Instant.now()));
        EventProbe.send(report);
        EventProbe.send(report);
        awaitState("INIT");
        drain();
        assertThat(states()).extracting(FirmwareEvents.UpdateStateChanged::state).containsExactly("REQUESTED", "INIT");
    }

    @Test
    void fwVersionOfTheRequestedVersionCompletesTheUpdate() {
        deviceWrites(identity, "fw_version", version);
        var installed = awaitState("INSTALLED_VERSION");
        assertThat(installed.finished()).isTrue();
    }

    @Test
    void anUpdateWithoutReportsForTooLongTimesOut() throws Exception {
        deviceWrites(identity, "otau_in", otau(version, "DOWNLOAD", "downloading"));
        awaitState("DOWNLOAD");
        // The device went silent longer ago than the timeout (6 h by default): move its last report back in time.
        try (Connection connection = dataSource.getConnection();
                PreparedStatement backdate = connection.prepareStatement(
                        "UPDATE device_update SET updated_at = now() - interval '7 hours' WHERE identity = ? AND NOT finished")) {
            backdate.setString(1, identity);
            assertThat(backdate.executeUpdate()).isEqualTo(1);
        }
        var timedOut = awaitState("TIMED_OUT");
        assertThat(timedOut.finished()).isTrue();
        given().header("Authorization", oem()).get("/api/firmware/updates?state=TIMED_OUT&version=" + version).then()
                .statusCode(200).body("items.device", hasItem(identity)).body("items[0].state", equalTo("TIMED_OUT"));
    }

    @Test
    void theFleetViewFiltersByStateAndVersionForTheOemOnly() {
        given().header("Authorization", oem()).get("/api/firmware/updates?version=" + version).then().statusCode(200)
                .body("items.device", hasItem(identity)).body("items[0].state", equalTo("REQUESTED"));
        given().header("Authorization", oem()).get("/api/firmware/updates?state=REQUESTED&limit=1").then().statusCode(200)
                .body("items.size()", equalTo(1));
        given().header("Authorization", oem()).get("/api/firmware/updates?state=SLEEPING").then().statusCode(400)
                .body("errors[0].field", equalTo("state"));
        given().header("Authorization", oem()).get("/api/firmware/updates?limit=501").then().statusCode(400);
        given().header("Authorization", user(owner)).get("/api/firmware/updates").then().statusCode(403);
    }
}
