package io.everycloud.firmware.packages;

import static io.everycloud.firmware.FirmwareFixtures.bytes;
import static io.everycloud.firmware.FirmwareFixtures.metadata;
import static io.everycloud.firmware.FirmwareFixtures.newVersion;
import static io.everycloud.firmware.FirmwareFixtures.oem;
import static io.everycloud.firmware.FirmwareFixtures.sha256;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.everycloud.events.FirmwareEvents;
import io.everycloud.events.Topics;
import io.everycloud.firmware.FirmwareFixtures;
import io.everycloud.testkit.EventProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

@QuarkusTest
class PackageUploadTest {

    @BeforeEach
    void enable() {
        FirmwareFixtures.setSwitch("enabled");
    }

    private ValidatableResponse post(String metadataName, String metadataJson, byte[] file) {
        var request = given().header("Authorization", oem());
        if (file != null) {
            request = request.multiPart("file", "firmware.bin", file, "application/octet-stream");
        }
        if (metadataJson != null) {
            request = request.multiPart("metadata", metadataName, metadataJson.getBytes(StandardCharsets.UTF_8), "application/json");
        }
        return request.post("/api/firmware/packages").then();
    }

    private void refused(String metadataName, String metadataJson, byte[] file, String field) {
        post(metadataName, metadataJson, file).statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem(field));
    }

    @Test
    void aPackageIsStoredWithItsHashAndSizeAndAnnounced() {
        String version = newVersion();
        byte[] binary = bytes(3 * 1024 * 1024 + 17, 1);
        String id = post("package_" + version + ".json", metadata(version, "URL_LIST", "[\"https://mirror.example.com/fw.bin\"]"), binary)
                .statusCode(201)
                .body("version", equalTo(version))
                .body("sha256", equalTo(sha256(binary)))
                .body("size", equalTo(binary.length))
                .extract().path("id");

        given().header("Authorization", oem()).get("/api/firmware/packages/" + id).then().statusCode(200)
                .body("type", equalTo("URL_LIST")).body("payload[0]", equalTo("https://mirror.example.com/fw.bin"));
        given().header("Authorization", oem()).get("/api/firmware/packages?limit=500").then().statusCode(200)
                .body("items.id", hasItem(id));
        var published = EventProbe.awaitOne(Topics.FIRMWARE_PACKAGE, e -> e.is(FirmwareEvents.PackagePublished.class)
                && e.subject().equals(id), Duration.ofSeconds(10)).dataAs(FirmwareEvents.PackagePublished.class);
        assertThat(published.version()).isEqualTo(version);
        assertThat(published.sha256()).isEqualTo(sha256(binary));
        assertThat(published.size()).isEqualTo(binary.length);
    }

    @Test
    void metadataFileNameMustStartWithPackageAndEndWithJson() {
        String version = newVersion();
        refused("meta_" + version + ".json", metadata(version, "URL_LIST", "[]"), bytes(10, 2), "metadata");
        refused("package_" + version + ".txt", metadata(version, "URL_LIST", "[]"), bytes(10, 2), "metadata");
    }

    @Test
    void metadataMustBeJson() {
        post("package_x.json", "{\"author\": ", bytes(10, 2)).statusCode(400)
                .body("errors[0].field", equalTo("metadata")).body("errors[0].message", containsString("not valid JSON"));
    }

    @Test
    void productMustBeThisConnector() {
        String json = metadata(newVersion(), "URL_LIST", "[]").replace("\"dev-product\"", "\"someone-else\"");
        refused("package_a.json", json, bytes(10, 2), "metadata.product");
    }

    @Test
    void versionIsRequiredAndWellFormed() {
        refused("package_a.json", metadata("", "URL_LIST", "[]"), bytes(10, 2), "metadata.config_otau.version");
        refused("package_a.json", metadata("1.0 beta/../x", "URL_LIST", "[]"), bytes(10, 2), "metadata.config_otau.version");
        refused("package_a.json", "{\"product\":\"dev-product\"}", bytes(10, 2), "metadata.config_otau");
    }

    @Test
    void anExistingVersionIsAConflictNamingTheField() {
        String version = newVersion();
        FirmwareFixtures.upload(version, bytes(100, 3));
        post("package_again.json", metadata(version, "URL_LIST", "[]"), bytes(100, 4)).statusCode(409)
                .body("errors[0].field", equalTo("metadata.config_otau.version"));
    }

    @Test
    void typeMustBeKnown() {
        refused("package_a.json", metadata(newVersion(), "ZIP", "[]"), bytes(10, 2), "metadata.config_otau.type");
    }

    @Test
    void payloadMustHaveTheShapeOfItsType() {
        refused("package_a.json", metadata(newVersion(), "URL_LIST", "\"http://x\""), bytes(10, 2), "metadata.config_otau.payload");
        refused("package_a.json", metadata(newVersion(), "URL_LIST", "[\"ftp://x/y\"]"), bytes(10, 2), "metadata.config_otau.payload[0]");
        refused("package_a.json", metadata(newVersion(), "FILE", "[]"), bytes(10, 2), "metadata.config_otau.payload");
        refused("package_a.json", metadata(newVersion(), "JSON", "\"text\""), bytes(10, 2), "metadata.config_otau.payload");
        post("package_a.json", metadata(newVersion(), "FILE", "\"fw.bin\""), bytes(10, 2)).statusCode(201);
        post("package_a.json", metadata(newVersion(), "JSON", "{\"mode\":\"fast\"}"), bytes(10, 2)).statusCode(201);
    }

    @Test
    void fileAndMetadataAreBothRequired() {
        refused("package_a.json", metadata(newVersion(), "URL_LIST", "[]"), null, "file");
        refused(null, null, bytes(10, 2), "metadata");
        refused("package_a.json", metadata(newVersion(), "URL_LIST", "[]"), new byte[0], "file");
    }

    @Test
    void onlyTheOemUploadsAndDeletes() {
        String user = FirmwareFixtures.user(UUID.randomUUID());
        given().header("Authorization", user)
                .multiPart("file", "firmware.bin", bytes(10, 2), "application/octet-stream")
                .multiPart("metadata", "package_a.json", metadata(newVersion(), "URL_LIST", "[]").getBytes(StandardCharsets.UTF_8))
                .post("/api/firmware/packages").then().statusCode(403);
        given().multiPart("file", "firmware.bin", bytes(10, 2), "application/octet-stream")
                .post("/api/firmware/packages").then().statusCode(401);
        String id = FirmwareFixtures.upload(newVersion(), bytes(10, 5));
        given().header("Authorization", user).delete("/api/firmware/packages/" + id).then().statusCode(403);
    }

    @Test
    void aPackageNotInUseCanBeDeleted() {
        String version = newVersion();
        String id = FirmwareFixtures.upload(version, bytes(2 * 1024 * 1024, 6));
        given().header("Authorization", oem()).delete("/api/firmware/packages/" + id).then().statusCode(204);
        given().header("Authorization", oem()).get("/api/firmware/packages/" + id).then().statusCode(404);
        EventProbe.awaitOne(Topics.FIRMWARE_PACKAGE, e -> e.is(FirmwareEvents.PackageDeleted.class) && e.subject().equals(id),
                Duration.ofSeconds(10));
        // The version is free again.
        FirmwareFixtures.upload(version, bytes(10, 7));
    }

    @Test
    void uploadsAreRefusedWhileFirmwareUpdatesAreDisabled() {
        FirmwareFixtures.setSwitch("disabled");
        try {
            post("package_a.json", metadata(newVersion(), "URL_LIST", "[]"), bytes(10, 2)).statusCode(409)
                    .contentType("application/problem+json")
                    .body("detail", containsString("EnableFirmwareUpdate"));
            given().header("Authorization", oem()).get("/api/firmware/settings").then().statusCode(200)
                    .body("EnableFirmwareUpdate", equalTo("disabled"));
        } finally {
            FirmwareFixtures.setSwitch("enabled");
        }
    }

    @Test
    void settingsAcceptOnlyEnabledOrDisabled() {
        given().header("Authorization", oem()).contentType("application/json").body("{\"EnableFirmwareUpdate\":\"yes\"}")
                .put("/api/firmware/settings").then().statusCode(400).contentType("application/problem+json");
        given().header("Authorization", FirmwareFixtures.user(UUID.randomUUID())).get("/api/firmware/settings").then().statusCode(403);
    }

    @Test
    void aBodyOverTheUploadLimitIsRefusedBeforeItIsRead() throws Exception {
        var uri = java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/firmware/packages HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + oem()
                    + "\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 200000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Read only the status line and headers: the service answers before the (never sent) body.
            socket.setSoTimeout(60_000);
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null && !line.isEmpty()) {
                head.append(line).append('\n');
            }
            String answer = head.toString().toLowerCase(java.util.Locale.ROOT);
            assertThat(answer).startsWith("http/1.1 413").contains("application/problem+json");
        }
    }

    @Test
    void aBodyThatIsNotMultipartIsA400NamingTheParts() {
        given().header("Authorization", oem()).contentType("multipart/form-data; boundary=sweep")
                .body("garbage".getBytes(StandardCharsets.UTF_8))
                .post("/api/firmware/packages").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("file"));
    }
}
