package io.everycloud.firmware.content;

import static io.everycloud.firmware.FirmwareFixtures.bytes;
import static io.everycloud.firmware.FirmwareFixtures.newVersion;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.everycloud.events.Envelope;
import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.RegistryEvents;
import io.everycloud.events.Topics;
import io.everycloud.firmware.FirmwareFixtures;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class DeviceDownloadTest {

    @jakarta.inject.Inject
    ContentUrls urls;

    private static final int SIZE = 2 * 1024 * 1024 + 1000;
    private byte[] binary;
    private String packageId;
    private String identity;
    private String token;

    @BeforeEach
    void packageAndDevice() {
        FirmwareFixtures.setSwitch("enabled");
        binary = bytes(SIZE, 42);
        packageId = FirmwareFixtures.upload(newVersion(), binary);
        identity = FirmwareFixtures.device("dl", Map.of());
        token = FirmwareFixtures.activate(identity);
    }

    @Test
    void aDeviceListsTheContentIdsAsCsv() {
        String csv = given().header("X-Exosite-CIK", token).get("/provision/download").then().statusCode(200)
                .contentType(containsString("text/csv")).extract().asString();
        assertThat(csv.lines()).contains(packageId);
    }

    @Test
    void aDeviceDownloadsTheWholeContent() {
        byte[] body = given().header("X-Exosite-CIK", token).get("/provision/download?id=" + packageId).then()
                .statusCode(200).header("Accept-Ranges", "bytes").extract().asByteArray();
        assertThat(body).isEqualTo(binary);
    }

    @Test
    void aRangeAcrossChunkBoundariesAnswers206WithThoseBytes() {
        int from = 1024 * 1024 - 10;
        int to = 2 * 1024 * 1024 + 5;
        byte[] body = given().header("X-Exosite-CIK", token).header("Range", "bytes=" + from + "-" + to)
                .get("/provision/download?id=" + packageId).then().statusCode(206)
                .header("Content-Range", "bytes " + from + "-" + to + "/" + SIZE)
                .extract().asByteArray();
        assertThat(body).isEqualTo(Arrays.copyOfRange(binary, from, to + 1));

        byte[] tail = given().header("X-Exosite-CIK", token).header("Range", "bytes=-100")
                .get("/provision/download?id=" + packageId).then().statusCode(206).extract().asByteArray();
        assertThat(tail).isEqualTo(Arrays.copyOfRange(binary, SIZE - 100, SIZE));
    }

    @Test
    void aRangeBeyondTheEndIs416() {
        given().header("X-Exosite-CIK", token).header("Range", "bytes=" + SIZE + "-")
                .get("/provision/download?id=" + packageId).then().statusCode(416)
                .header("Content-Range", "bytes */" + SIZE);
    }

    @Test
    void infoDescribesTheContent() {
        String info = given().header("X-Exosite-CIK", token).get("/provision/download?id=" + packageId + "&info=true")
                .then().statusCode(200).extract().asString();
        String[] parts = info.split(",", 4);
        assertThat(parts[0]).isEqualTo("application/octet-stream");
        assertThat(parts[1]).isEqualTo(Integer.toString(SIZE));
        assertThat(Long.parseLong(parts[2])).isLessThanOrEqualTo(Instant.now().getEpochSecond());
        assertThat(parts[3]).contains(FirmwareFixtures.sha256(binary));
    }

    @Test
    void aMissingOrWrongDeviceTokenIs401() {
        given().get("/provision/download").then().statusCode(401).contentType("application/problem+json");
        given().get("/provision/download?id=" + packageId).then().statusCode(401);
        given().header("X-Exosite-CIK", "0123456789012345678901234567890123456789").get("/provision/download?id=" + packageId)
                .then().statusCode(401);
    }

    @Test
    void aResetDeviceTokenStopsWorking() {
        EventProbe.send(Envelope.of(identity, new RegistryEvents.DeviceReset(identity, Instant.now())));
        FirmwareFixtures.await("token revoked", () ->
                given().header("X-Exosite-CIK", token).get("/provision/download").statusCode() == 401);
    }

    @Test
    void anUnknownContentIdIs404() {
        given().header("X-Exosite-CIK", token).get("/provision/download?id=" + UUID.randomUUID()).then().statusCode(404);
        given().header("X-Exosite-CIK", token).get("/provision/download?id=nope").then().statusCode(404);
    }

    @Test
    void theSignedUrlInConfigOtauDownloadsWithoutAnyOtherCredential() {
        UUID owner = UUID.randomUUID();
        String owned = FirmwareFixtures.device("signed", Map.of(), owner);
        String version = given().header("Authorization", FirmwareFixtures.oem()).get("/api/firmware/packages/" + packageId)
                .then().extract().path("version");
        given().header("Authorization", FirmwareFixtures.user(owner)).contentType("application/json")
                .body(Map.of("version", version)).post("/api/firmware/devices/" + owned + "/update").then().statusCode(202);
        var command = EventProbe.awaitOne(Topics.FIRMWARE_COMMAND, e -> e.subject().equals(owned), Duration.ofSeconds(10))
                .dataAs(FirmwareEvents.ConfigOtauCommand.class);
        String url = command.configOtau().get("payload").get(0).asText();
        assertThat(command.configOtau().get("sha256").asText()).isEqualTo(FirmwareFixtures.sha256(binary));
        assertThat(command.configOtau().get("size").asLong()).isEqualTo(SIZE);
        assertThat(url).startsWith("http://localhost:8080/firmware/content/" + packageId + "?expires=");

        String path = url.substring("http://localhost:8080".length());
        byte[] body = given().get(path).then().statusCode(200).extract().asByteArray();
        assertThat(body).isEqualTo(binary);
        given().header("Range", "bytes=0-9").get(path).then().statusCode(206);

        given().get(path + "x").then().statusCode(403);
        String expired = path.replaceAll("expires=\\d+", "expires=1000");
        given().get(expired).then().statusCode(403).body("status", equalTo(403));
    }

    @Test
    void anExpiredSignedUrlIsGone() {
        String url = urls.signedUrl(UUID.fromString(packageId), Instant.now().minusSeconds(60));
        given().get(url.substring(url.indexOf("/firmware/content/"))).then().statusCode(410)
                .contentType("application/problem+json");
    }
}
