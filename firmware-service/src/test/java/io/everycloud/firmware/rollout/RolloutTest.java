package io.everycloud.firmware.rollout;

import static io.everycloud.firmware.FirmwareFixtures.bytes;
import static io.everycloud.firmware.FirmwareFixtures.deviceWrites;
import static io.everycloud.firmware.FirmwareFixtures.newVersion;
import static io.everycloud.firmware.FirmwareFixtures.oem;
import static io.everycloud.firmware.FirmwareFixtures.otau;
import static io.everycloud.firmware.FirmwareFixtures.user;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.HashMap;
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
class RolloutTest {

    private String version;
    private String cohort;

    @BeforeEach
    void aPackage() {
        FirmwareFixtures.setSwitch("enabled");
        version = newVersion();
        FirmwareFixtures.upload(version, bytes(300, 13));
        cohort = "c-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Devices tagged with this test's cohort; the prefixes fix their order, and so their batches. */
    private List<String> devices(int count, UUID... owners) {
        List<String> identities = new java.util.ArrayList<>();
        for (int i = 1; i <= count; i++) {
            identities.add(FirmwareFixtures.device("r" + i, Map.of("cohort", List.of(cohort)), owners));
        }
        return identities;
    }

    private String start(Map<String, Object> settings) {
        Map<String, Object> body = new HashMap<>(settings);
        body.put("version", version);
        body.put("tags", Map.of("cohort", List.of(cohort)));
        return given().header("Authorization", oem()).contentType("application/json").body(body)
                .post("/api/firmware/rollouts").then().statusCode(201).extract().path("id");
    }

    private void awaitCommand(String identity) {
        EventProbe.awaitOne(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(identity), Duration.ofSeconds(15));
    }

    private boolean commanded(String identity) {
        return !EventProbe.events(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(identity)).isEmpty();
    }

    private void awaitRollout(String id, String path, Object value) {
        FirmwareFixtures.await("rollout " + path + " = " + value, () -> value.equals(
                given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then().extract().path(path)));
    }

    @Test
    void aRolloutAbortsWhenFailuresPassItsThreshold() {
        List<String> fleet = devices(4);
        String id = start(Map.of("batchSize", 2, "successThreshold", 100, "failureThreshold", 40, "minimumFinished", 2));
        awaitCommand(fleet.get(0));
        awaitCommand(fleet.get(1));

        deviceWrites(fleet.get(0), "otau_in", otau(version, "DOWNLOAD_ERROR", "checksum mismatch"));
        // One failure is under the minimum count: the rollout goes on.
        awaitRollout(id, "targets.FAILED", 1);
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then().body("state", equalTo("RUNNING"));

        deviceWrites(fleet.get(1), "otau_in", otau(version, "INSTALL_ERROR", "flash failed"));
        awaitRollout(id, "state", "ABORTED");
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then()
                .body("reason", containsString("2 of 2 finished updates failed"))
                .body("targets.FAILED", equalTo(2))
                .body("targets.NOT_STARTED", equalTo(2))
                .body("currentBatch", equalTo(1));
        assertThat(commanded(fleet.get(2))).isFalse();
        assertThat(commanded(fleet.get(3))).isFalse();
    }

    @Test
    void theNextBatchStartsOnceTheCurrentOneSucceededAndPausingHoldsIt() {
        List<String> fleet = devices(3);
        String id = start(Map.of("batchPercent", 34, "successThreshold", 100));
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then()
                .body("batchSize", equalTo(2)).body("batchCount", equalTo(2)).body("state", equalTo("RUNNING"));
        awaitCommand(fleet.get(0));
        awaitCommand(fleet.get(1));
        assertThat(commanded(fleet.get(2))).isFalse();

        deviceWrites(fleet.get(0), "otau_in", otau(version, "INSTALL_SUCCESS", "ok"));
        awaitRollout(id, "targets.SUCCEEDED", 1);
        given().header("Authorization", oem()).post("/api/firmware/rollouts/" + id + "/pause").then().statusCode(200)
                .body("state", equalTo("PAUSED"));
        deviceWrites(fleet.get(1), "fw_version", version);
        awaitRollout(id, "targets.SUCCEEDED", 2);
        assertThat(commanded(fleet.get(2))).as("a paused rollout starts no batch").isFalse();

        given().header("Authorization", oem()).post("/api/firmware/rollouts/" + id + "/resume").then().statusCode(200);
        awaitCommand(fleet.get(2));
        deviceWrites(fleet.get(2), "otau_in", otau(version, "INSTALL_SUCCESS", "ok"));
        awaitRollout(id, "state", "FINISHED");
        given().header("Authorization", oem()).post("/api/firmware/rollouts/" + id + "/resume").then().statusCode(409);
    }

    @Test
    void askOwnersOffersTheUpdateToOwnersAndPushesOnlyToUnownedDevices() {
        UUID owner = UUID.randomUUID();
        List<String> owned = devices(1, owner);
        String unowned = FirmwareFixtures.device("r9", Map.of("cohort", List.of(cohort)));
        String id = start(Map.of("mode", "ASK_OWNERS"));
        awaitCommand(unowned);
        String device = owned.get(0);
        given().header("Authorization", user(owner)).get("/api/firmware/devices/" + device).then().statusCode(200)
                .body("offers[0].version", equalTo(version)).body("offers[0].rolloutId", equalTo(id));
        assertThat(commanded(device)).as("nothing is pushed to an owned device").isFalse();
        FirmwareEvents.UpdateOffered offered = EventProbe.awaitOne(Topics.FIRMWARE_UPDATE,
                e -> e.is(FirmwareEvents.UpdateOffered.class) && e.subject().equals(device), Duration.ofSeconds(15))
                .dataAs(FirmwareEvents.UpdateOffered.class);
        assertThat(offered.ownerIds()).as("the owners are told, to be emailed").containsExactly(owner);
        assertThat(offered.version()).isEqualTo(version);
        assertThat(offered.rolloutId()).hasToString(id);
        assertThat(EventProbe.events(Topics.FIRMWARE_UPDATE, e -> e.is(FirmwareEvents.UpdateOffered.class)
                && e.subject().equals(unowned))).as("an unowned device gets the update, not an offer").isEmpty();

        given().header("Authorization", user(owner)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + device + "/update").then().statusCode(202)
                .body("rolloutId", equalTo(id));
        awaitCommand(device);
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then()
                .body("targets.RUNNING", equalTo(2));
    }

    @Test
    void ownersDeclineOffersAndTheRolloutCountsThemAndFinishes() {
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        String annsDevice = FirmwareFixtures.device("r1", Map.of("cohort", List.of(cohort)), ann);
        String bobsDevice = FirmwareFixtures.device("r2", Map.of("cohort", List.of(cohort)), bob);
        String id = start(Map.of("mode", "ASK_OWNERS"));

        given().header("Authorization", user(ann)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + annsDevice + "/decline").then().statusCode(202)
                .body("identity", equalTo(annsDevice)).body("rolloutId", equalTo(id))
                .body("version", equalTo(version)).body("status", equalTo("DECLINED"));
        given().header("Authorization", user(ann)).get("/api/firmware/devices/" + annsDevice).then()
                .body("offers.size()", equalTo(0));
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then()
                .body("state", equalTo("RUNNING")).body("targets.DECLINED", equalTo(1)).body("targets.OFFERED", equalTo(1));
        assertThat(commanded(annsDevice)).as("a declined offer starts no update").isFalse();

        // once declined, the offer is gone; someone else's device is not found; the version is required
        given().header("Authorization", user(ann)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + annsDevice + "/decline").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString(version));
        given().header("Authorization", user(ann)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + bobsDevice + "/decline").then().statusCode(404);
        given().header("Authorization", user(bob)).contentType("application/json").body(Map.of())
                .post("/api/firmware/devices/" + bobsDevice + "/decline").then().statusCode(400)
                .body("errors[0].field", equalTo("version"));

        given().header("Authorization", user(bob)).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/devices/" + bobsDevice + "/decline").then().statusCode(202);
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + id).then()
                .body("state", equalTo("FINISHED")).body("targets.DECLINED", equalTo(2));
    }

    @Test
    void aRolloutIsValidatedAndOnlyForTheOem() {
        given().header("Authorization", oem()).contentType("application/json")
                .body(Map.of("version", version, "tags", Map.of("cohort", List.of("nobody-" + UUID.randomUUID()))))
                .post("/api/firmware/rollouts").then().statusCode(400).body("errors[0].field", equalTo("tags"));
        given().header("Authorization", oem()).contentType("application/json")
                .body(Map.of("version", version, "batchSize", 2, "batchPercent", 10, "failureThreshold", 101))
                .post("/api/firmware/rollouts").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("batchSize", "failureThreshold"));
        given().header("Authorization", oem()).contentType("application/json").body(Map.of("version", "0.0.0-none"))
                .post("/api/firmware/rollouts").then().statusCode(400).body("errors[0].field", equalTo("version"));
        given().header("Authorization", user(UUID.randomUUID())).contentType("application/json").body(Map.of("version", version))
                .post("/api/firmware/rollouts").then().statusCode(403);
        given().header("Authorization", oem()).get("/api/firmware/rollouts/" + UUID.randomUUID()).then().statusCode(404);
        given().header("Authorization", oem()).get("/api/firmware/rollouts/nope").then().statusCode(404);
    }

    @Test
    void anOperatorAbortWithdrawsOpenOffers() {
        UUID owner = UUID.randomUUID();
        String device = devices(1, owner).get(0);
        String id = start(Map.of("mode", "ASK_OWNERS"));
        given().header("Authorization", user(owner)).get("/api/firmware/devices/" + device).then()
                .body("offers.size()", equalTo(1));
        given().header("Authorization", oem()).post("/api/firmware/rollouts/" + id + "/abort").then().statusCode(200)
                .body("state", equalTo("ABORTED")).body("reason", equalTo("aborted by an operator"))
                .body("targets.WITHDRAWN", equalTo(1));
        given().header("Authorization", user(owner)).get("/api/firmware/devices/" + device).then()
                .body("offers.size()", equalTo(0));
        given().header("Authorization", oem()).post("/api/firmware/rollouts/" + id + "/pause").then().statusCode(409);
        given().header("Authorization", oem()).get("/api/firmware/rollouts?limit=500").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem(id));
    }
}
